import { useRef, type ReactNode } from 'react';
import { useDialog } from './useDialog.ts';

type Props = {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * A modal confirmation built on <dialog>: the browser traps focus, Escape cancels,
 * and focus returns to the control that opened it. Cancel has focus first, so a
 * stray Enter never confirms a destructive action.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, busy, danger, onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const ref = useDialog(open, () => cancelRef.current?.focus());

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open ? (
        <div className="dialog-body">
          <h2 id="confirm-title">{title}</h2>
          <div className="dialog-content">{children}</div>
          <div className="dialog-actions">
            <button ref={cancelRef} type="button" className="button button-secondary" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            <button type="button" className={`button ${danger ? 'button-danger' : 'button-primary'}`} onClick={onConfirm} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
