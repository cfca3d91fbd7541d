/**
 * Paddock's event vocabulary, defined once and shared by the harness runtime, the server
 * and (through the GraphQL schema the server builds from it) the dashboard.
 *
 * The runtime imports only types from here: its image runs its TypeScript with plain
 * Node, which does not strip types inside node_modules.
 */
export * from './shapes.ts';
export type * from './runtime.ts';
export * from './session.ts';
