import { isRole, ROLES } from '../auth/roles.ts';
import { openPlatform } from '../platform/open.ts';
import { flags, UsageError, type Command } from './args.ts';

const USAGE = 'Usage: pnpm paddock keys create --team NAME --name LABEL [--role OPERATOR|ADMIN|MEMBER|VIEWER] | keys revoke KEY_ID';

export const keysCommand: Command = async (args, { config, log, out }) => {
  const [action, ...rest] = args;
  if (action !== 'create' && action !== 'revoke') throw new UsageError(USAGE);
  const { values, positionals } = flags(rest, { team: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } });
  if (action === 'create' && (!values.team || !values.name)) throw new UsageError(USAGE);
  if (action === 'revoke' && positionals.length !== 1) throw new UsageError(USAGE);
  const role = (values.role ?? 'MEMBER').toUpperCase();
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${values.role}".`);

  const platform = await openPlatform(config, log);
  try {
    const teams = platform.services.teams;
    if (action === 'revoke') {
      const key = await teams.revokeApiKey(null, positionals[0]!);
      out(`Revoked key ${key.name} (${key.prefix}…).`);
      return;
    }
    const team = await teams.teamByName(values.team!);
    if (!team) throw new UsageError(`No team named "${values.team}". Create it first: pnpm paddock teams create ${values.team}`);
    const { apiKey, plaintext } = await teams.createApiKey(null, { teamId: team.id, name: values.name!, role });
    out(`Created ${role} key "${apiKey.name}" for team ${team.name} (id ${apiKey.id}).`);
    out('Store it now; it is not shown again:');
    out(plaintext);
  } finally {
    await platform.close();
  }
};
