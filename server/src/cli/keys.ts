import { encodeGlobalId } from '../ids/global-id.ts';
import { isUuid } from '../ids/index.ts';
import { isRole, ROLES } from '../auth/roles.ts';
import { openPlatform } from '../platform/open.ts';
import { cliEntry, flags, table, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

const create = {
  usage: 'keys create --team NAME --name LABEL [--role OPERATOR|ADMIN|MEMBER|VIEWER]',
  summary: 'Create an API key for a team (role MEMBER unless given) and print it once; the same as the createApiKey mutation.',
};
const list = {
  usage: 'keys list [--team NAME]',
  summary: 'List API keys: id, team, name, role, prefix, last used, revoked. Keys themselves are never shown again.',
};
const revoke = { usage: 'keys revoke KEY_ID', summary: 'Revoke an API key by its id (from `keys list`); the same as the revokeApiKey mutation.' };

const when = (date: Date | null) => (date ? date.toISOString() : '-');

export const keysCommand: CommandSpec = {
  summary: 'API keys',
  subcommands: { create, list, revoke },
  run: async (args, { config, log, out }) => {
    const [action, ...rest] = args;
    if (action !== 'create' && action !== 'list' && action !== 'revoke')
      throw new UsageError(`Usage: pnpm paddock ${create.usage} | ${list.usage} | ${revoke.usage}`);
    const { values, positionals } = flags(rest, { team: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } });
    const usage = `Usage: pnpm paddock ${{ create, list, revoke }[action].usage}`;
    if (action === 'create' && (!values.team || !values.name || positionals.length > 0)) throw new UsageError(usage);
    if (action === 'list' && (values.name !== undefined || values.role !== undefined || positionals.length > 0)) throw new UsageError(usage);
    if (action === 'revoke' && (positionals.length !== 1 || Object.keys(values).length > 0)) throw new UsageError(usage);
    if (action === 'revoke' && !isUuid(positionals[0]!))
      throw new UsageError(`"${positionals[0]}" is not a key id; ids look like 0193f0c2-…, see \`pnpm paddock keys list\`.`);
    const role = (values.role ?? 'MEMBER').toUpperCase();
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${values.role}".`);

    await requireExistingDatabase(config);
    const platform = await openPlatform(config, log);
    try {
      const teams = platform.services.teams;
      if (action === 'revoke') {
        const key = await teams.revokeApiKey(null, positionals[0]!);
        await platform.services.audit.record(cliEntry('apikey.revoke', key.teamId, encodeGlobalId('ApiKey', key.id)));
        out(`Revoked key ${key.name} (${key.prefix}…).`);
        return;
      }
      const team = values.team === undefined ? undefined : await teams.teamByName(values.team);
      if (team === null) throw new UsageError(`No team named "${values.team}". Create it first: pnpm paddock teams create ${values.team}`);
      if (action === 'list') {
        const keys = await teams.listApiKeys(team?.id);
        const rows = keys.map((k) => [k.id, k.team.name, k.name, k.role, `${k.prefix}…`, when(k.lastUsedAt), when(k.revokedAt)]);
        for (const line of table(['ID', 'TEAM', 'NAME', 'ROLE', 'PREFIX', 'LAST USED', 'REVOKED'], rows)) out(line);
        return;
      }
      const { apiKey, plaintext } = await teams.createApiKey(null, { teamId: team!.id, name: values.name!, role });
      await platform.services.audit.record(cliEntry('apikey.create', apiKey.teamId, encodeGlobalId('ApiKey', apiKey.id)));
      out(`Created ${role} key "${apiKey.name}" for team ${team!.name} (id ${apiKey.id}).`);
      out('Store it now; it is not shown again:');
      out(plaintext);
    } finally {
      await platform.close();
    }
  },
};
