import { stringifyDocument } from '@urql/core';
import type { ViewerQuery } from '../../gql/graphql.ts';
import { ViewerQuery as ViewerDocument } from '../../app/documents.ts';
import { describeGraphQLError } from '../graphql/errors.ts';

export type VerifyResult = { ok: true; viewer: ViewerQuery['viewer'] } | { ok: false; message: string };

/** Asks the API who a key belongs to before keeping it, so a typo fails on the sign-in page. */
export async function verifyApiKey(key: string, fetchImpl: typeof fetch = fetch): Promise<VerifyResult> {
  let response: Response;
  try {
    response = await fetchImpl('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: stringifyDocument(ViewerDocument), operationName: 'Viewer' }),
    });
  } catch {
    return { ok: false, message: 'Cannot reach the Paddock API. Check your connection and that the server is running.' };
  }
  let body: { data?: ViewerQuery | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { ok: false, message: `The server answered with HTTP ${response.status}, not the Paddock API. Is this the right address?` };
  }
  const error = body.errors?.[0];
  if (error) {
    if (error.extensions?.code === 'UNAUTHENTICATED') {
      return { ok: false, message: 'Paddock did not accept this API key. It may be mistyped, revoked, or from another Paddock installation.' };
    }
    return { ok: false, message: describeGraphQLError(error).message };
  }
  if (!body.data?.viewer) return { ok: false, message: 'The server did not say who this key belongs to. Try again.' };
  return { ok: true, viewer: body.data.viewer };
}
