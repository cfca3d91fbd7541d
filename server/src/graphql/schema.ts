import { builder } from './builder.ts';
import './usage.ts';
import '../harnesses/schema.ts';
import '../teams/schema.ts';
import '../agents/schema.ts';
import '../sessions/schema.ts';
import '../events/schema.ts';
import '../history/schema.ts';

/** Every domain registers its types on the shared builder; this file only assembles them. */
export const schema = builder.toSchema({ sortSchema: true });
