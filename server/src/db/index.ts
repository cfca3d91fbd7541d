/**
 * Everything the rest of Paddock needs from the database layer, from one place: the
 * client factory, the generated model types, enums and the `Prisma` namespace.
 */
export { createDb, sqlPool, type Db, type Tx } from './client.ts';
export * from './generated/client.ts';
