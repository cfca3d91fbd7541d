import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { AGENT_SANDBOX_CRDS } from './crds.ts';

type Schema = Record<string, unknown>;
type Crd = {
  spec: {
    group: string;
    names: { kind: string; plural: string; listKind: string };
    scope: 'Namespaced' | 'Cluster';
    versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Schema }; subresources?: { status?: object } }[];
  };
};

export type CrdVersion = {
  group: string;
  version: string;
  kind: string;
  plural: string;
  listKind: string;
  namespaced: boolean;
  statusSubresource: boolean;
  schema: Schema;
};

/** Every served version of every CRD in `dir`: by default the CRDs this process found, or none. */
export function loadCrds(dir = AGENT_SANDBOX_CRDS.found ? AGENT_SANDBOX_CRDS.dir : undefined): CrdVersion[] {
  const out: CrdVersion[] = [];
  if (dir === undefined) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(path.join(dir, file), 'utf8')) as Crd;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      out.push({
        group: crd.spec.group,
        version: v.name,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        listKind: crd.spec.names.listKind,
        namespaced: crd.spec.scope === 'Namespaced',
        statusSubresource: Boolean(v.subresources?.status),
        schema: v.schema.openAPIV3Schema,
      });
    }
  }
  return out;
}

export type KindInfo = Omit<CrdVersion, 'schema'>;

/**
 * The agent-sandbox kinds Paddock uses (served `v1beta1`), as their CRDs declare them, so
 * the fake API server serves them even where the CRDs (and so their schemas) are missing.
 */
export const AGENT_SANDBOX_KINDS: readonly KindInfo[] = [
  { group: 'agents.x-k8s.io', version: 'v1beta1', kind: 'Sandbox', plural: 'sandboxes', listKind: 'SandboxList', namespaced: true, statusSubresource: true },
  {
    group: 'extensions.agents.x-k8s.io',
    version: 'v1beta1',
    kind: 'SandboxClaim',
    plural: 'sandboxclaims',
    listKind: 'SandboxClaimList',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: 'extensions.agents.x-k8s.io',
    version: 'v1beta1',
    kind: 'SandboxTemplate',
    plural: 'sandboxtemplates',
    listKind: 'SandboxTemplateList',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: 'extensions.agents.x-k8s.io',
    version: 'v1beta1',
    kind: 'SandboxWarmPool',
    plural: 'sandboxwarmpools',
    listKind: 'SandboxWarmPoolList',
    namespaced: true,
    statusSubresource: true,
  },
];

/**
 * Structural schemas prune unknown fields; the fake rejects them instead, so a typo in
 * a manifest fails the test that wrote it rather than vanishing silently.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'enum' || key === 'default' ? value : closeObjects(value);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
const SELECTOR = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: STRING_MAP,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};
const PEER = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ipBlock: {
      type: 'object',
      additionalProperties: false,
      required: ['cidr'],
      properties: { cidr: { type: 'string', format: 'cidr' }, except: { type: 'array', items: { type: 'string', format: 'cidr' } } },
    },
    namespaceSelector: SELECTOR,
    podSelector: SELECTOR,
  },
};
const PORT = {
  type: 'object',
  additionalProperties: false,
  properties: {
    protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
    port: {
      anyOf: [
        { type: 'integer', minimum: 1, maximum: 65535 },
        { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      ],
    },
    endPort: { type: 'integer' },
  },
};
const TYPE_META = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };

/** Small structural checks for the built-in kinds Paddock writes (not their full OpenAPI). */
export const CORE_SCHEMAS: Record<string, Schema> = {
  Secret: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...TYPE_META,
      type: { type: 'string' },
      immutable: { type: 'boolean' },
      data: { type: 'object', propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' }, additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } },
      stringData: { type: 'object', propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' }, additionalProperties: { type: 'string' } },
    },
  },
  NetworkPolicy: {
    type: 'object',
    additionalProperties: false,
    required: ['spec'],
    properties: {
      ...TYPE_META,
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['podSelector'],
        properties: {
          podSelector: SELECTOR,
          policyTypes: { type: 'array', items: { enum: ['Ingress', 'Egress'] } },
          ingress: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, properties: { from: { type: 'array', items: PEER }, ports: { type: 'array', items: PORT } } },
          },
          egress: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, properties: { to: { type: 'array', items: PEER }, ports: { type: 'array', items: PORT } } },
          },
        },
      },
    },
  },
  Namespace: { type: 'object', additionalProperties: false, properties: { ...TYPE_META, spec: { type: 'object' }, status: { type: 'object' } } },
  ConfigMap: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...TYPE_META,
      immutable: { type: 'boolean' },
      data: { type: 'object', propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' }, additionalProperties: { type: 'string' } },
    },
  },
  RoleBinding: {
    type: 'object',
    additionalProperties: false,
    required: ['roleRef'],
    properties: {
      ...TYPE_META,
      roleRef: {
        type: 'object',
        additionalProperties: false,
        required: ['apiGroup', 'kind', 'name'],
        properties: { apiGroup: { const: 'rbac.authorization.k8s.io' }, kind: { enum: ['Role', 'ClusterRole'] }, name: { type: 'string', minLength: 1 } },
      },
      subjects: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          properties: {
            kind: { enum: ['ServiceAccount', 'User', 'Group'] },
            name: { type: 'string', minLength: 1 },
            namespace: { type: 'string' },
            apiGroup: { type: 'string' },
          },
        },
      },
    },
  },
};

const isCidr = (value: string) => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (m) return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  return /^[0-9a-f:]+\/\d{1,3}$/i.test(value) && Number(value.split('/')[1]) <= 128;
};

function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, strictTypes: false, allErrors: true, useDefaults: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  for (const keyword of [
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-validations',
  ]) {
    // Recognised; CEL rules (x-kubernetes-validations) cannot be evaluated here.
    ajv.addKeyword({ keyword, schemaType: ['boolean', 'string', 'array', 'object'] });
  }
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('cidr', isCidr);
  return ajv;
}

export type Validator = (object: Record<string, unknown>) => string[];

const describeErrors = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => {
    const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '<root>';
    if (e.keyword === 'additionalProperties') return `${where}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    return `${where}: ${e.message ?? 'invalid'}`;
  });

/** Validators by `group/version/kind`; they also apply schema defaults, as the API server does. */
export function buildValidators(crds: CrdVersion[]): Map<string, Validator> {
  const ajv = createAjv();
  const out = new Map<string, Validator>();
  const wrap =
    (fn: ValidateFunction): Validator =>
    (object) =>
      fn(object) ? [] : describeErrors(fn.errors);
  for (const crd of crds) out.set(`${crd.group}/${crd.version}/${crd.kind}`, wrap(ajv.compile(closeObjects(crd.schema) as Schema)));
  out.set('/v1/Secret', wrap(ajv.compile(CORE_SCHEMAS.Secret!)));
  out.set('/v1/Namespace', wrap(ajv.compile(CORE_SCHEMAS.Namespace!)));
  out.set('/v1/ConfigMap', wrap(ajv.compile(CORE_SCHEMAS.ConfigMap!)));
  out.set('rbac.authorization.k8s.io/v1/RoleBinding', wrap(ajv.compile(CORE_SCHEMAS.RoleBinding!)));
  out.set('networking.k8s.io/v1/NetworkPolicy', wrap(ajv.compile(CORE_SCHEMAS.NetworkPolicy!)));
  return out;
}

type Meta = { name?: string; generateName?: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };

/** ObjectMeta rules every kind shares; `nameRule` is the kind's own name format. */
export function validateMetadata(meta: Meta, nameRule: 'subdomain' | 'label' | 'dns1035'): string[] {
  const errors: string[] = [];
  const name = meta.name ?? '';
  if (name) {
    const ok =
      nameRule === 'subdomain'
        ? name.length <= 253 && SUBDOMAIN.test(name)
        : name.length <= 63 && (nameRule === 'label' ? DNS1123_LABEL : DNS1035_LABEL).test(name);
    if (!ok)
      errors.push(
        `metadata.name: Invalid value: "${name}": must be a valid ${nameRule === 'subdomain' ? 'DNS-1123 subdomain' : nameRule === 'label' ? 'DNS-1123 label' : 'DNS-1035 label'}`,
      );
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (!QUALIFIED_NAME.test(key)) errors.push(`metadata.labels: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
      errors.push(`metadata.labels: Invalid value: "${String(value)}": a valid label must be 63 characters or less`);
  }
  let size = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    if (!QUALIFIED_NAME.test(key)) errors.push(`metadata.annotations: Invalid value: "${key}"`);
    if (typeof value !== 'string') errors.push(`metadata.annotations.${key}: must be a string`);
    size += key.length + String(value).length;
  }
  if (size > 256 * 1024) errors.push('metadata.annotations: Too long: must have at most 262144 bytes');
  return errors;
}
