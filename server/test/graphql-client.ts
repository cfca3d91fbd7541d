export type GraphqlError = { message: string; extensions?: { code?: string; field?: string } };
export type GraphqlResponse<T> = { status: number; data?: T | null; errors?: GraphqlError[] };

/** A plain fetch client, so tests see exactly what a third-party client would. */
export class GraphqlClient {
  readonly url: string;
  readonly key: string | null;

  constructor(baseUrl: string, key: string | null) {
    this.url = `${baseUrl}/graphql`;
    this.key = key;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T>> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphqlResponse<T>, 'status'>;
    return { status: res.status, ...body };
  }

  /** Expects success and returns data. */
  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.request<T>(query, variables);
    if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  /** Expects exactly one error and returns it. */
  async error(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlError & { status: number }> {
    const res = await this.request(query, variables);
    if (!res.errors || res.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(res)}`);
    return { ...res.errors[0]!, status: res.status };
  }
}
