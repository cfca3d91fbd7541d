import { builder } from '../graphql/builder.ts';
import type { HarnessDefinition } from './definition.ts';

export const Harness = builder.objectRef<HarnessDefinition>('Harness').implement({
  description: 'A kind of agent runtime, defined by a file under harnesses/.',
  fields: (t) => ({
    name: t.exposeString('name'),
    displayName: t.exposeString('displayName'),
    description: t.exposeString('description'),
    image: t.exposeString('image'),
    capabilities: t.exposeStringList('capabilities'),
    defaultModel: t.exposeString('defaultModel'),
  }),
});

builder.queryFields((t) => ({
  harnesses: t.field({
    type: [Harness],
    authScopes: { reader: true },
    resolve: (_root, _args, ctx) => ctx.services.harnesses.list(),
  }),
  harness: t.field({
    type: Harness,
    nullable: true,
    authScopes: { reader: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.harnesses.get(args.name) ?? null,
  }),
}));
