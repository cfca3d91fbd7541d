import type { ApiKeyRole } from '../db/index.ts';

/** Who is calling: resolved from the API key on every request. */
export type Viewer = {
  keyId: string;
  keyName: string;
  teamId: string;
  role: ApiKeyRole;
};
