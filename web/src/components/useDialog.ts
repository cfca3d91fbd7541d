import { useEffect, useRef } from 'react';

/**
 * Opens and closes a <dialog> as a modal with `open` (the browser then traps focus and
 * maps Escape to `cancel`). `onShown` runs after it opens, e.g. to focus a control.
 */
export function useDialog(open: boolean, onShown?: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
      onShown?.();
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
    // Only `open` drives this: onShown is read when the dialog opens, and a new
    // function on every render must not reopen it.
  }, [open]);
  return ref;
}
