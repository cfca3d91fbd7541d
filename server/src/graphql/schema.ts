import { auditMutations } from '../audit/schema.ts';
import { builder } from './builder.ts';
import './usage.ts';
import '../harnesses/schema.ts';
import '../teams/schema.ts';
import '../agents/schema.ts';
import '../sessions/schema.ts';
import '../turns/schema.ts';
import '../events/schema.ts';
import '../mcp/schema.ts';
import '../approvals/schema.ts';
import '../history/schema.ts';
import '../audit/schema.ts';
import '../cost/schema.ts';
import '../automations/schema.ts';

/** Every domain registers its types on the shared builder; this file only assembles them, and puts every mutation on the audit log. */
export const schema = auditMutations(builder.toSchema({ sortSchema: true }));
