import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TriggerCreated } from './TriggerCreated.tsx';

const URL = 'https://paddock.example.com/triggers/VHJpZ2dlcjox';

describe('TriggerCreated', () => {
  it('shows the URL, the secret once, and a curl example with the bearer secret for an HTTP trigger', () => {
    render(<TriggerCreated kind="HTTP" url={URL} secret="pdt_s3cret" />);
    expect(screen.getByText(/not shown again/)).toBeInTheDocument();
    expect(screen.getByTestId('trigger-url')).toHaveTextContent(URL);
    expect(screen.getByTestId('trigger-secret')).toHaveTextContent('pdt_s3cret');
    const curl = screen.getByTestId('trigger-curl').textContent!;
    expect(curl).toContain(`curl -X POST '${URL}'`);
    expect(curl).toContain("-H 'Authorization: Bearer pdt_s3cret'");
    expect(curl).toContain("-H 'Content-Type: application/json'");
  });

  it('signs the example body with the secret for a GitHub trigger and says how to set GitHub up', () => {
    render(<TriggerCreated kind="GITHUB" url={URL} secret="abc123" />);
    const curl = screen.getByTestId('trigger-curl').textContent!;
    expect(curl).toContain("openssl dgst -sha256 -hmac 'abc123'");
    expect(curl).toContain('X-Hub-Signature-256: $SIG');
    expect(curl).toContain('X-GitHub-Event: issues');
    expect(curl).not.toContain('Authorization');
    expect(screen.getByText(/content type to application\/json/)).toBeInTheDocument();
  });

  it('copies the URL, the secret and the example', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<TriggerCreated kind="HTTP" url={URL} secret="pdt_s3cret" />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy URL' }));
    await userEvent.click(screen.getByRole('button', { name: 'Copy secret' }));
    await userEvent.click(screen.getByRole('button', { name: 'Copy curl example' }));
    expect(writeText.mock.calls.map((c: unknown[]) => c[0])).toEqual([URL, 'pdt_s3cret', expect.stringContaining('curl -X POST')]);
    expect(await screen.findAllByText('Copied')).not.toHaveLength(0);
  });
});
