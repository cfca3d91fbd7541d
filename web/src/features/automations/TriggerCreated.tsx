import { CopyButton } from './CopyButton.tsx';
import { curlExample } from './curl.ts';

/** What a new trigger needs to be used: its URL, its secret (shown this once) and a curl example. */
export function TriggerCreated({ kind, url, secret }: { kind: 'HTTP' | 'GITHUB'; url: string; secret: string }) {
  const curl = curlExample(kind, url, secret);
  return (
    <section className="notice notice-success" aria-label="New trigger">
      <div className="stack">
        <strong>Trigger created. Copy the secret now: it is not shown again.</strong>
        <div className="field">
          <span>URL</span>
          <div className="copy-row">
            <code data-testid="trigger-url">{url}</code>
            <CopyButton text={url} label="URL" />
          </div>
        </div>
        <div className="field">
          <span>Secret</span>
          <div className="copy-row">
            <code data-testid="trigger-secret">{secret}</code>
            <CopyButton text={secret} label="secret" />
          </div>
        </div>
        {kind === 'GITHUB' ? (
          <p className="muted">
            In the repository&apos;s Settings → Webhooks, set the payload URL to this URL, the content type to application/json and the secret to this secret.
          </p>
        ) : (
          <p className="muted">Send the secret as a bearer token; the JSON body is available to the prompt as {'{{body.…}}'}.</p>
        )}
        <div className="field">
          <span>Try it</span>
          <div className="copy-row">
            <pre className="code-block" data-testid="trigger-curl">
              {curl}
            </pre>
            <CopyButton text={curl} label="curl example" />
          </div>
        </div>
      </div>
    </section>
  );
}
