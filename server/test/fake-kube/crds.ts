import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'vitest';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** The agent-sandbox release Paddock is pinned to (also what bin/kind-up.sh installs). */
export const AGENT_SANDBOX_VERSION = readFileSync(path.join(REPO_ROOT, 'deploy/agent-sandbox.version'), 'utf8').trim();

/** Where bin/fetch-crds.sh puts the pinned release's CRDs (git-ignored). */
export const FETCHED_CRD_DIR = path.join(REPO_ROOT, '.cache/agent-sandbox', AGENT_SANDBOX_VERSION, 'crds');
/** A reference copy kept beside the repository, when there is one. */
export const SHARED_CRD_DIR = path.resolve(REPO_ROOT, '../shared/reference/agent-sandbox/crds');

export type CrdLookup = { found: true; dir: string } | { found: false; reason: string };

const yamlFilesIn = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  } catch {
    return [];
  }
};

/**
 * The directory of agent-sandbox CRDs the tests validate against: PADDOCK_AGENT_SANDBOX_CRDS
 * when set (and then only it, so a wrong path is reported rather than papered over), else
 * the first of `defaults` holding CRD files.
 */
export function locateCrds(env: Record<string, string | undefined> = process.env, defaults: readonly string[] = [FETCHED_CRD_DIR, SHARED_CRD_DIR]): CrdLookup {
  const explicit = env.PADDOCK_AGENT_SANDBOX_CRDS;
  if (explicit) {
    if (yamlFilesIn(explicit).length > 0) return { found: true, dir: explicit };
    return {
      found: false,
      reason: `agent-sandbox CRDs not found: PADDOCK_AGENT_SANDBOX_CRDS=${explicit} holds no .yaml files; fill it with bin/fetch-crds.sh or point it at the CRDs of agent-sandbox ${AGENT_SANDBOX_VERSION}`,
    };
  }
  const dir = defaults.find((d) => yamlFilesIn(d).length > 0);
  if (dir) return { found: true, dir };
  return {
    found: false,
    reason: `agent-sandbox CRDs not found in ${defaults.join(' or ')}; run bin/fetch-crds.sh (needs github.com) or set PADDOCK_AGENT_SANDBOX_CRDS to a directory holding the CRDs of agent-sandbox ${AGENT_SANDBOX_VERSION}`,
  };
}

/** This process's CRDs, looked up once. */
export const AGENT_SANDBOX_CRDS: CrdLookup = locateCrds();

let warned = false;

/** Says once per test file, on stderr, that agent-sandbox objects go unvalidated and why. */
export function warnIfCrdsMissing(): void {
  if (AGENT_SANDBOX_CRDS.found || warned) return;
  warned = true;
  console.warn(`Skipping agent-sandbox CRD validation: ${AGENT_SANDBOX_CRDS.reason}`);
}

/** First line of a test that validates against the CRDs: without them it is reported skipped, with the reason. */
export function needsCrds(ctx: TestContext): void {
  if (AGENT_SANDBOX_CRDS.found) return;
  warnIfCrdsMissing();
  ctx.skip(AGENT_SANDBOX_CRDS.reason);
}
