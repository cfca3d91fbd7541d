/**
 * Node's http module as CommonJS. An ES import of `node:http` makes Node build a facade
 * of every export, and reading the lazy `WebSocket` one loads Node's own bundled undici:
 * a second HTTP client beside the runtime's (about 13 MB more per runtime), which would
 * even become the dispatcher of the runtime's requests.
 */
export const nodeHttp = process.getBuiltinModule('node:http');
