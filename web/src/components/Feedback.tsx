import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { describeError, type Problem } from '../lib/graphql/errors.ts';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <span className="spinner" role="status" aria-live="polite">
      <span className="spinner-ring" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

/** A centred loading placeholder for a page or panel. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner-ring" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

/** An error a person can act on: a heading, what happened, and an optional retry. */
export function ErrorMessage({
  title,
  message,
  onRetry,
  className,
  children,
}: {
  title: string;
  message: string;
  onRetry?: (() => void) | undefined;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <div className={`notice notice-error${className ? ` ${className}` : ''}`} role="alert">
      <div>
        <strong>{title}</strong>
        <p>{message}</p>
        {children}
      </div>
      {onRetry ? (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** An API problem, with its heading, the API's words and an optional way out. */
export function ErrorNotice({ problem, onRetry, children }: { problem: Problem; onRetry?: () => void; children?: ReactNode }) {
  return (
    <ErrorMessage title={problem.title} message={problem.message} onRetry={onRetry}>
      {children}
    </ErrorMessage>
  );
}

/**
 * What a query-backed list shows: its error (with a retry) while there is nothing to
 * show, a loading placeholder, the empty state when there is one, else the list.
 */
export function QueryState({
  error,
  loaded,
  loadingLabel,
  onRetry,
  empty,
  children,
}: {
  error: CombinedError | undefined;
  loaded: boolean;
  loadingLabel: string;
  onRetry: () => void;
  empty: ReactNode;
  children: ReactNode;
}) {
  if (error && !loaded) return <ErrorNotice problem={describeError(error)} onRetry={onRetry} />;
  if (!loaded) return <Loading label={loadingLabel} />;
  return <>{empty || children}</>;
}
