/** A curl command that fires a trigger, for people to paste into a terminal. */
export function curlExample(kind: 'HTTP' | 'GITHUB', url: string, secret: string | null): string {
  const body = `'{"text": "hello from curl"}'`;
  if (kind === 'HTTP') {
    return [
      `curl -X POST '${url}'`,
      `  -H 'Authorization: Bearer ${secret ?? '<secret shown when the trigger was created>'}'`,
      `  -H 'Content-Type: application/json'`,
      `  -d ${body}`,
    ].join(' \\\n');
  }
  const key = secret ?? '<secret>';
  return [
    `BODY='{"action": "opened", "issue": {"number": 1, "title": "Test"}}'`,
    `SIG="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac '${key}' | cut -d' ' -f2)"`,
    [
      `curl -X POST '${url}'`,
      `  -H 'Content-Type: application/json'`,
      `  -H 'X-GitHub-Event: issues'`,
      `  -H "X-GitHub-Delivery: $(uuidgen)"`,
      `  -H "X-Hub-Signature-256: $SIG"`,
      `  -d "$BODY"`,
    ].join(' \\\n'),
  ].join('\n');
}
