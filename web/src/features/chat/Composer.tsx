import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

type Props = {
  /** A turn is running: sending waits, and Stop is offered. */
  running: boolean;
  stopping: boolean;
  /** Why nothing can be sent at all (e.g. the session ended), or null. */
  disabledReason: string | null;
  onSend: (content: string) => Promise<boolean>;
  onStop: () => void;
};

const MAX_HEIGHT = 240;

/** The message box: Enter sends, Shift+Enter adds a line; Stop ends a running reply. */
export function Composer({ running, stopping, disabledReason, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const hintId = useId();

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(MAX_HEIGHT, el.scrollHeight)}px`;
  }, [text]);

  const send = async () => {
    const content = text;
    // While the agent answers the text stays in the box; the hint below says so.
    if (content.trim() === '' || sending || disabledReason || running) return;
    setSending(true);
    const ok = await onSend(content);
    setSending(false);
    if (ok) setText('');
    ref.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void send();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };

  const disabled = disabledReason !== null;
  // Derived, so the warning clears by itself the moment the turn ends.
  const waiting = running && !disabled && text.trim() !== '';
  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={disabledReason ?? 'Message the agent…'}
        disabled={disabled}
        aria-describedby={hintId}
      />
      <div className="composer-actions">
        {running ? (
          <button type="button" className="button button-stop" onClick={onStop} disabled={stopping}>
            <span className="stop-square" aria-hidden="true" />
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
        <button type="submit" className="button button-primary" disabled={disabled || sending || running || text.trim() === ''}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <p id={hintId} className={`composer-hint${waiting ? ' composer-hint-warn' : ''}`} aria-live="polite" data-testid="composer-hint">
        {waiting
          ? 'The agent is still answering. Your message is kept here and can be sent when the reply ends, or press Stop.'
          : disabled
            ? ''
            : 'Enter to send · Shift+Enter for a new line'}
      </p>
    </form>
  );
}
