/**
 * `${name}` placeholders in a definition's CLI args and env, filled per turn from the
 * attached session. `${name:-fallback}` uses the fallback when the value is empty
 * (a gateway without an API key still needs some key for CLIs that insist on one).
 */

export const TEMPLATE_VARIABLES = ['gateway.baseUrl', 'gateway.rootUrl', 'gateway.apiKey', 'model', 'sessionId', 'workspace', 'stateDir'] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Readonly<Record<TemplateVariable, string>>;

/** Variables that hold secrets: allowed in env values only, never on a command line other processes can read. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set<TemplateVariable>(['gateway.apiKey']);

const PLACEHOLDER = /\$\{([A-Za-z][\w.]*)(?::-([^}]*))?\}/g;

const isVariable = (name: string): name is TemplateVariable => (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/** Names of the placeholders in `text`, known or not, for validation. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Fills every placeholder; unknown names were rejected when the definition was loaded. */
export function expand(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string, fallback: string | undefined) => {
    if (!isVariable(name)) return whole;
    const value = values[name];
    return value === '' && fallback !== undefined ? fallback : value;
  });
}

/** The gateway base URL without its trailing `/v1`: Anthropic clients append `/v1/messages` themselves. */
export function rootUrlOf(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}
