import type { ApiKeyRole } from '../db/index.ts';

/**
 * What each role may do, as GraphQL auth scopes:
 * - `reader`: queries and subscriptions in the key's team (every role);
 * - `writer`: mutations on the team's agents and sessions (not VIEWER);
 * - `teamAdmin`: the team's API keys (ADMIN; OPERATOR for any team);
 * - `operator`: teams, and keys of any team (OPERATOR only).
 * Every check also stays inside the key's team except where `operator` allows otherwise.
 */
export type Scope = 'reader' | 'writer' | 'teamAdmin' | 'operator';

export const ROLES: readonly ApiKeyRole[] = ['OPERATOR', 'ADMIN', 'MEMBER', 'VIEWER'];

const GRANTS: Record<ApiKeyRole, readonly Scope[]> = {
  OPERATOR: ['reader', 'writer', 'teamAdmin', 'operator'],
  ADMIN: ['reader', 'writer', 'teamAdmin'],
  MEMBER: ['reader', 'writer'],
  VIEWER: ['reader'],
};

export function scopesOf(role: ApiKeyRole | undefined): Record<Scope, boolean> {
  const granted = role ? GRANTS[role] : [];
  return {
    reader: granted.includes('reader'),
    writer: granted.includes('writer'),
    teamAdmin: granted.includes('teamAdmin'),
    operator: granted.includes('operator'),
  };
}

export function isRole(value: string): value is ApiKeyRole {
  return (ROLES as readonly string[]).includes(value);
}

export function hasScope(role: ApiKeyRole, scope: Scope): boolean {
  return GRANTS[role].includes(scope);
}

/** The message for a key that lacks a scope, saying which key would do. */
export const SCOPE_NEEDS: Record<Scope, (role: ApiKeyRole) => string> = {
  reader: () => 'This operation needs an API key.',
  writer: (role) => `${role} keys are read-only; this operation needs a MEMBER, ADMIN or OPERATOR key.`,
  teamAdmin: (role) => `Managing API keys and retention needs a team ADMIN or OPERATOR key; this is a ${role} key.`,
  operator: (role) => `Managing teams needs the OPERATOR key (the bootstrap key); this is a ${role} key.`,
};

/** The scope an auth failure was about, from Pothos's failure tree. */
export function failedScope(failure: { kind: string; scope?: unknown; failures?: unknown[] }): Scope | undefined {
  if (typeof failure.scope === 'string' && failure.scope in SCOPE_NEEDS) return failure.scope as Scope;
  for (const inner of failure.failures ?? []) {
    const found = failedScope(inner as typeof failure);
    if (found) return found;
  }
  return undefined;
}
