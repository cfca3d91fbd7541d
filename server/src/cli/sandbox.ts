import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { loadAuthority, TRUST_FILES } from '../egress/authority.ts';
import { openPlatform, type Platform } from '../platform/open.ts';
import { sandboxName } from '../sandbox/driver.ts';
import { agentObjects, runtimeSecret, sandboxClaim, type AgentSandboxInput } from '../sandbox/kubernetes/manifests/index.ts';
import { kubernetesSettings } from '../sandbox/kubernetes/settings.ts';
import type { ConfigMap, KubeObject, Secret } from '../sandbox/kubernetes/types.ts';
import { flags, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

const render = {
  usage: 'sandbox render --agent NAME [--team NAME]',
  summary: 'Print the Kubernetes objects Paddock applies for an agent (secret values redacted), as YAML.',
};
const USAGE = `Usage: pnpm paddock ${render.usage}`;

/** Secret values never reach a terminal: keys are shown, values replaced. */
function redacted(secret: Secret, note: string): Secret {
  const { data, stringData, ...rest } = secret;
  const keys = Object.keys({ ...data, ...stringData });
  return { ...rest, stringData: Object.fromEntries(keys.map((k) => [k, note])) };
}

/** The CA bundle is the public roots plus Paddock's CA; the roots are left out of the listing. */
function abbreviated(configMap: ConfigMap): ConfigMap {
  const data = Object.fromEntries(
    Object.entries(configMap.data ?? {}).map(([k, v]) => [k, k === TRUST_FILES.bundle ? '<public root CAs followed by the egress CA>' : v]),
  );
  return { ...configMap, data };
}

async function findAgent(platform: Platform, agentName: string, teamName: string | undefined) {
  const { db } = platform.services;
  const agents = await db.agent.findMany({ where: { name: agentName, ...(teamName ? { team: { name: teamName } } : {}) }, include: { team: true } });
  if (agents.length === 0) throw new UsageError(`No agent named "${agentName}"${teamName ? ` in team "${teamName}"` : ''}.`);
  if (agents.length > 1) {
    throw new UsageError(`Several teams have an agent named "${agentName}" (${agents.map((a) => a.team.name).join(', ')}); pass --team NAME.`);
  }
  return agents[0]!;
}

/** The YAML documents `sandbox render` prints, in the order Paddock applies them. */
export async function renderAgentYaml(platform: Platform, agentName: string, teamName: string | undefined): Promise<string> {
  const agent = await findAgent(platform, agentName, teamName);
  const { config, harnesses } = platform.services;
  const input: AgentSandboxInput = {
    agentId: agent.id,
    agentName: agent.name,
    teamId: agent.teamId,
    harness: harnesses.require(agent.harnessName),
    egressAllow: agent.egressAllow,
  };
  const authority = await loadAuthority(platform.services.db, platform.services.secrets);
  const settings = kubernetesSettings(config, authority.certPem);
  const objects = agentObjects(input, settings);
  const sessionId = randomUUID();
  const claim = sandboxClaim({ name: sandboxName(sessionId), sessionId }, input, objects.template, objects.namespace, settings, Date.now());
  const docs: [string, KubeObject][] = [
    [`Values are read from the platform's CONTAINER_ENV_* variables when applied.`, redacted(objects.containerEnv, '<from CONTAINER_ENV_*>')],
    [
      'Created once with a random token, never rewritten: warm pods read it.',
      redacted(runtimeSecret(input, objects.template, objects.namespace, ''), '<random, generated on first apply>'),
    ],
    [`Paddock's egress CA for the pods' trust stores (public; its key stays in the database).`, abbreviated(objects.egressCa)],
    ['Pods reach only DNS and the egress proxy, which enforces egressAllow and holds the credentials.', objects.networkPolicy],
    [`Applied with server-side apply (field manager "paddock").`, objects.sandboxTemplate],
    [`replicas from PADDOCK_K8S_WARM_POOL_SIZE (0 = always cold start).`, objects.warmPool],
    [`Sample: one claim per session, named ps-<session id>.`, claim],
  ];
  return docs.map(([comment, doc]) => `# ${doc.kind} ${doc.metadata.namespace ?? ''}/${doc.metadata.name}: ${comment}\n${stringify(doc)}`).join('---\n');
}

export const sandboxCommand: CommandSpec = {
  summary: 'Kubernetes sandboxes',
  subcommands: { render },
  run: async (args, { config, log, out }) => {
    const [action, ...rest] = args;
    if (action !== 'render') throw new UsageError(USAGE);
    const { values, positionals } = flags(rest, { agent: { type: 'string' }, team: { type: 'string' } });
    if (!values.agent || positionals.length > 0) throw new UsageError(USAGE);
    await requireExistingDatabase(config);
    const platform = await openPlatform(config, log);
    try {
      out((await renderAgentYaml(platform, values.agent, values.team)).trimEnd());
    } finally {
      await platform.close();
    }
  },
};
