// A modal confirmation for what cannot be undone: the native dialog (focus kept inside, Escape cancels), the safe choice focused first; renderer.
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Button } from '../../design/index.js';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ open, title, children, confirmLabel, busy = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="panel"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      style={{ maxWidth: '34rem', color: 'var(--text)' }}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="stack">
        {children}
      </div>
      <div className="row" style={{ justifyContent: 'flex-end', marginTop: '1rem' }}>
        {/* First in the dialog, so the safe choice takes the focus when it opens. */}
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm} busy={busy}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
