import { builder } from '../graphql/builder.ts';

/** A secret value by name: agent env vars and MCP server headers. */
export const EnvVarInput = builder.inputType('EnvVarInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    value: t.string({ required: true, description: 'Encrypted at rest; never readable through the API.' }),
    hosts: t.stringList({
      description:
        "Egress entries of the hosts this secret is for; the sandbox only holds a placeholder, which the egress proxy replaces with the value in requests to these hosts. Defaults to the agent's egressAllow.",
    }),
  }),
});
