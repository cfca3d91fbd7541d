import { useEffect, useEffectEvent, useRef } from 'react';

/**
 * Opens and closes a <dialog> as a modal with `open` (the browser then traps focus and
 * maps Escape to `cancel`). `onShown` runs after it opens, e.g. to focus a control.
 */
export function useDialog(open: boolean, onShown?: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  // Read when the dialog opens; a new function on every render must not reopen it.
  const shown = useEffectEvent(() => onShown?.());
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
      shown();
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
  }, [open]);
  return ref;
}
