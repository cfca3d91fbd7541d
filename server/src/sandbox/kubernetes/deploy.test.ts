import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * What cannot run here (no Docker engine, no cluster, no helm) is checked statically:
 * every YAML parses, the chart's values cover what its templates use and its RBAC
 * covers what the driver does, images run as non-root, compose has what it needs.
 */
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const CHART = 'deploy/helm/paddock';
const templates = readdirSync(path.join(ROOT, CHART, 'templates')).filter((f) => f.endsWith('.yaml'));

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] | string; resourceNames?: string[] };
type Doc = { kind?: string; metadata?: { name?: string }; rules?: Rule[]; roleRef?: { name: string }; spec?: unknown };

/** Helm templates minus their actions: control lines dropped, inline expressions replaced by a scalar. */
function strip(template: string): string {
  return template
    .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '')
    .split('\n')
    .filter((line) => !/^\s*\{\{-?[\s\S]*?-?\}\}\s*$/.test(line))
    .map((line) => line.replace(/\{\{-?[\s\S]*?-?\}\}/g, 'x'))
    .join('\n');
}

function lookupPath(values: unknown, dotted: string): boolean {
  let current = values;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

describe('Helm chart', () => {
  const values = parse(read(`${CHART}/values.yaml`)) as Record<string, unknown>;

  it('has a parseable Chart.yaml and values.yaml with safe defaults', () => {
    expect(parse(read(`${CHART}/Chart.yaml`))).toMatchObject({ apiVersion: 'v2', name: 'paddock' });
    expect(values).toMatchObject({
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1000 },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      sandboxes: { namespace: 'paddock-{team}', access: 'pod-ip' },
      rbac: { create: true },
    });
  });

  it('templates parse as YAML once their actions are removed', () => {
    for (const file of templates) {
      const docs = parseAllDocuments(strip(read(`${CHART}/templates/${file}`)));
      for (const doc of docs) expect({ file, errors: doc.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
    }
  });

  it('uses only values that values.yaml defines', () => {
    for (const file of [...templates, '_helpers.tpl', 'NOTES.txt']) {
      for (const [, used] of read(`${CHART}/templates/${file}`).matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        expect({ file, used, defined: lookupPath(values, used!) }).toEqual({ file, used, defined: true });
      }
    }
  });

  it('configures only variables Paddock reads', () => {
    const config = read('server/src/config/index.ts');
    const docs = parseAllDocuments(strip(read(`${CHART}/templates/configmap.yaml`))).map((d) => d.toJSON() as { data: Record<string, string> });
    const keys = [...Object.keys(docs[0]!.data), ...read(`${CHART}/templates/configmap.yaml`).matchAll(/^\s+([A-Z_]+):/gm)].map((k) =>
      typeof k === 'string' ? k : k[1]!,
    );
    for (const key of new Set(keys)) expect({ key, known: config.includes(`${key}:`) }).toEqual({ key, known: true });
  });

  it('grants the driver what it does and nothing it does not', () => {
    const rbac = parseAllDocuments(strip(read(`${CHART}/templates/rbac.yaml`))).map((d) => d.toJSON() as Doc);
    const role = rbac.find((d) => Array.isArray(d.rules))!;
    const verbs = (group: string, resource: string) =>
      role.rules!.filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r) => (Array.isArray(r.verbs) ? r.verbs : [r.verbs]));
    expect(verbs('extensions.agents.x-k8s.io', 'sandboxclaims')).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'patch', 'delete']));
    expect(verbs('extensions.agents.x-k8s.io', 'sandboxtemplates')).toEqual(['get', 'create', 'patch']);
    expect(verbs('extensions.agents.x-k8s.io', 'sandboxwarmpools')).toEqual(['get', 'create', 'patch']);
    expect(verbs('agents.x-k8s.io', 'sandboxes')).toEqual(['get', 'list', 'watch', 'patch']);
    expect(verbs('', 'pods')).toEqual(['get', 'list', 'watch']);
    expect(verbs('', 'events')).toEqual(expect.arrayContaining(['list', 'watch']));
    expect(verbs('', 'secrets')).toEqual(['get', 'create', 'patch']);
    expect(verbs('', 'configmaps')).toEqual(['get', 'create', 'patch']);
    expect(verbs('networking.k8s.io', 'networkpolicies')).toEqual(['get', 'create', 'patch']);
    for (const rule of role.rules!) expect(rule.verbs).not.toContain('*');
  });

  it('grants secrets and pods only inside sandbox namespaces, never cluster-wide', () => {
    const rbac = parseAllDocuments(strip(read(`${CHART}/templates/rbac.yaml`))).map((d) => d.toJSON() as Doc);
    const sandboxRole = rbac.find((d) => Array.isArray(d.rules) && d.rules.some((r) => r.resources.includes('secrets')))!;
    // Nothing binds the sandbox role cluster-wide: Paddock binds it per team namespace.
    expect(rbac.filter((d) => d.kind === 'ClusterRoleBinding').map((d) => d.roleRef?.name)).not.toContain(sandboxRole.metadata?.name);
    const clusterRules = rbac.filter((d) => d.kind === 'ClusterRole' && d !== sandboxRole).flatMap((d) => d.rules ?? []);
    expect(clusterRules.flatMap((r) => r.resources).sort()).toEqual(['clusterroles', 'namespaces', 'rolebindings']);
    const bind = clusterRules.find((r) => r.resources.includes('clusterroles'))!;
    expect(bind.verbs).toEqual(['bind']);
    expect(bind.resourceNames).toHaveLength(1);
    expect(read(`${CHART}/templates/rbac.yaml`)).toContain('kind: ValidatingAdmissionPolicy');
  });

  it('runs the egress proxy as its own Deployment behind a Service, without Kubernetes API access', () => {
    const egress = read(`${CHART}/templates/deployment-egress.yaml`);
    expect(egress).toContain('args: [src/bin/egress.ts]');
    // The sandbox NetworkPolicy lets pods reach exactly these pods.
    expect(egress).toContain('app.kubernetes.io/component: egress');
    expect(egress).toContain('automountServiceAccountToken: false');
    expect(egress).toContain('kind: Service');
    expect(read(`${CHART}/templates/configmap.yaml`)).toContain('PADDOCK_EGRESS_URL');
  });

  it('runs migrations as an init container and probes the web pods on /healthz and /readyz', () => {
    const web = read(`${CHART}/templates/deployment-web.yaml`);
    const worker = read(`${CHART}/templates/deployment-worker.yaml`);
    for (const deployment of [web, worker]) expect(deployment).toContain('args: [src/bin/paddock.ts, db, migrate]');
    expect(web).toContain('args: [src/bin/api.ts]');
    expect(worker).toContain('args: [src/bin/worker.ts]');
    expect(web).toContain('path: /healthz');
    expect(web).toContain('path: /readyz');
    // The sandbox NetworkPolicy admits workers by exactly these labels.
    expect(worker).toContain('app.kubernetes.io/component: worker');
    expect(read(`${CHART}/templates/_helpers.tpl`)).toContain('app.kubernetes.io/name: paddock');
  });
});

/** The user each stage of a Dockerfile ends up as, following `FROM <earlier stage>`. */
function stageUsers(dockerfile: string): Map<string, string> {
  const users = new Map<string, string>();
  let stage = '';
  let index = 0;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stage = from[2] ?? `#${index}`;
      index++;
      users.set(stage, users.get(from[1]!) ?? 'root');
      continue;
    }
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user && stage) users.set(stage, user[1]!);
  }
  return users;
}

describe('Dockerfiles', () => {
  it('run every runtime stage as a non-root user', () => {
    for (const file of ['deploy/docker/platform.Dockerfile', 'deploy/docker/harness-runtime.Dockerfile']) {
      const users = stageUsers(read(file));
      const runtime = [...users].filter(([name]) => name !== 'build');
      expect(runtime.length).toBeGreaterThan(0);
      for (const [name, user] of runtime) expect({ file, name, user }).toEqual({ file, name, user: '1000:1000' });
    }
  });

  it('build the server with tsx and the dashboard into web/dist, and the runtime the harnesses name', () => {
    const platform = read('deploy/docker/platform.Dockerfile');
    expect(platform).toContain('pnpm build:web');
    expect(platform).toContain('ENTRYPOINT ["node", "--import", "tsx"]');
    const runtime = read('deploy/docker/harness-runtime.Dockerfile');
    const harness = parse(read('harnesses/chat.yaml')) as { command: string[]; port: number };
    expect(runtime).toContain(`CMD ${JSON.stringify(harness.command).replaceAll(',', ', ')}`);
    expect(runtime).toContain(`EXPOSE ${harness.port}`);
  });
});

describe('docker compose and kind', () => {
  it('compose is well-formed: PostgreSQL, web and worker against the kind cluster', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        {
          image?: string;
          command?: string[];
          entrypoint?: string[];
          user?: string;
          environment?: Record<string, string>;
          volumes?: string[];
          depends_on?: Record<string, { condition: string }>;
          healthcheck?: unknown;
        }
      >;
      networks: Record<string, { external?: boolean }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'web', 'worker']);
    expect(compose.services.postgres!.healthcheck).toBeDefined();
    for (const name of ['web', 'worker']) {
      const service = compose.services[name]!;
      expect(service.user).toBe('1000:1000');
      expect(service.environment).toMatchObject({
        PADDOCK_SANDBOX_DRIVER: 'kubernetes',
        PADDOCK_K8S_KUBECONFIG: '/kube/config',
        PADDOCK_K8S_ACCESS: 'port-forward',
      });
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(service.volumes).toContain('./.paddock/kind/kubeconfig.internal:/kube/config:ro');
      expect(service.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(compose.services.worker!.entrypoint!.join(' ')).toMatch(/db migrate && exec node --import tsx src\/bin\/worker\.ts/);
    expect(compose.services.web!.command).toEqual(['src/bin/api.ts']);
    expect(compose.networks.kind).toEqual({ external: true });
  });

  it('kind-up.sh is valid bash that installs agent-sandbox and loads the harness image', () => {
    const script = read('bin/kind-up.sh');
    expect(spawnSync('bash', ['-n', path.join(ROOT, 'bin/kind-up.sh')]).status).toBe(0);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('sandbox-with-extensions.yaml');
    expect(script).toMatch(/kind load docker-image/);
    expect(script).toMatch(/kind get clusters .*grep -qx/);
    for (const file of ['deploy/kind/cluster.yaml', 'deploy/kind/mock-llm.yaml']) {
      for (const doc of parseAllDocuments(read(file))) expect(doc.errors).toEqual([]);
    }
  });
});
