import ipaddr from 'ipaddr.js';

/**
 * Egress rules: which destinations a sandbox may reach. One module parses, validates
 * and matches them, for the agent input and for the egress proxy alike.
 *
 * An entry is a host name (`api.github.com`), a wildcard for the subdomains of a domain
 * (`*.github.com`), an IPv4/IPv6 address or CIDR (`203.0.113.7`, `2001:db8::/32`), any
 * of which may end in `:port` (IPv6 in brackets: `[2001:db8::1]:443`).
 */

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export type EgressRule =
  | { kind: 'host'; host: string; port: number | null; text: string }
  | { kind: 'wildcard'; suffix: string; port: number | null; text: string }
  | { kind: 'cidr'; cidr: Cidr; port: number | null; text: string };

/** Address ranges a sandbox never reaches unless the operator lists them in PADDOCK_EGRESS_PRIVATE_ALLOW. */
const RESTRICTED: { reason: string; cidr: Cidr }[] = [
  ['metadata', '169.254.169.254/32'],
  ['metadata', 'fd00:ec2::254/128'],
  ['loopback', '127.0.0.0/8'],
  ['loopback', '::1/128'],
  ['unspecified', '0.0.0.0/8'],
  ['unspecified', '::/128'],
  ['link-local', '169.254.0.0/16'],
  ['link-local', 'fe80::/10'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['private', '100.64.0.0/10'],
  ['private', 'fc00::/7'],
  ['reserved', '192.0.0.0/24'],
  ['reserved', '198.18.0.0/15'],
  ['reserved', '240.0.0.0/4'],
  ['multicast', '224.0.0.0/4'],
  ['multicast', 'ff00::/8'],
  // IPv6 forms that carry an IPv4 address (NAT64, 6to4): they may lead to any of the above.
  ['translated', '64:ff9b::/96'],
  ['translated', '64:ff9b:1::/48'],
  ['translated', '2002::/16'],
].map(([reason, cidr]) => ({ reason: reason!, cidr: ipaddr.parseCIDR(cidr!) }));

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Names that always mean this machine or a cloud's metadata service. */
const RESTRICTED_NAMES = new Map([
  ['localhost', 'loopback'],
  ['metadata.google.internal', 'metadata'],
  ['metadata', 'metadata'],
]);

export class EgressRuleError extends Error {}

function isHostName(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => LABEL.test(label));
}

function parsePort(text: string | undefined, entry: string): number | null {
  if (text === undefined) return null;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new EgressRuleError(`"${entry}" has an invalid port; use 1-65535.`);
  return port;
}

/** Normalises an address: IPv4-mapped IPv6 becomes the IPv4 address it carries. */
export function parseAddress(value: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

/** Parses one entry or throws an EgressRuleError that says what is wrong with it. */
export function parseRule(raw: string): EgressRule {
  const text = raw.trim().toLowerCase();
  if (text === '') throw new EgressRuleError('An egress entry must not be empty.');
  if (text.includes('://') || (text.includes('/') && !/^[\d.:a-f[\]]+\/\d{1,3}(:\d+)?$/.test(text))) {
    throw new EgressRuleError(`"${raw}" is not a host name, *.domain wildcard or IP address/CIDR (each optionally with :port); leave out the scheme and path.`);
  }
  let body = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?:\/(\d{1,3}))?(?::(\d+))?$/.exec(text);
  if (bracketed) {
    body = bracketed[2] ? `${bracketed[1]}/${bracketed[2]}` : bracketed[1]!;
    portText = bracketed[3];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [body, portText] = text.split(':') as [string, string];
  }
  const port = parsePort(portText, raw);
  if (ipaddr.isValidCIDR(body)) {
    const [address, bits] = ipaddr.parseCIDR(body);
    const normal = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
    const length = normal === address ? bits : bits - 96;
    if (length < 0) throw new EgressRuleError(`"${raw}" is not a valid CIDR.`);
    return { kind: 'cidr', cidr: [normal, length], port, text };
  }
  const address = parseAddress(body);
  if (address) return { kind: 'cidr', cidr: [address, address.kind() === 'ipv4' ? 32 : 128], port, text };
  if (body.startsWith('*.')) {
    const suffix = body.slice(2);
    if (!isHostName(suffix) || !suffix.includes('.')) {
      throw new EgressRuleError(`"${raw}" is not a valid wildcard; write *.example.com for every subdomain of example.com.`);
    }
    return { kind: 'wildcard', suffix, port, text };
  }
  if (!isHostName(body)) {
    throw new EgressRuleError(`"${raw}" is not a host name, *.domain wildcard or IP address/CIDR (each optionally with :port).`);
  }
  return { kind: 'host', host: body, port, text };
}

/** Addresses the operator lets sandboxes reach although they are private (`PADDOCK_EGRESS_PRIVATE_ALLOW`). */
export class PrivateAllowList {
  readonly #ranges: Cidr[];

  constructor(ranges: readonly string[]) {
    this.#ranges = ranges.map((range) => {
      const rule = parseRule(range);
      if (rule.kind !== 'cidr' || rule.port !== null) throw new EgressRuleError(`"${range}" is not an IP address or CIDR.`);
      return rule.cidr;
    });
  }

  /** Parses the comma-separated variable; throws an EgressRuleError naming the bad entry. */
  static parse(value: string | undefined): PrivateAllowList {
    return new PrivateAllowList(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }

  get ranges(): readonly string[] {
    return this.#ranges.map(([a, bits]) => `${a.toString()}/${bits}`);
  }

  includes(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.#ranges.some((range) => sameKind(address, range[0]) && address.match(range));
  }

  /** Whether every address of the CIDR is inside one listed range. */
  covers([address, bits]: Cidr): boolean {
    return this.#ranges.some(([net, netBits]) => sameKind(address, net) && bits >= netBits && address.match(net, netBits));
  }
}

function sameKind(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return a.kind() === b.kind();
}

/** Why an address is restricted (`loopback`, `private`, `metadata`, ...), or null for a public one. */
export function restrictedReason(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  for (const { reason, cidr } of RESTRICTED) if (sameKind(address, cidr[0]) && address.match(cidr)) return reason;
  return null;
}

/**
 * Why a resolved address may not be reached (`loopback`, `private`, `metadata`, ...), or
 * null when it may: public, or in a range the operator allowed (PADDOCK_EGRESS_PRIVATE_ALLOW).
 */
export function refusedReason(text: string, privateAllow: PrivateAllowList): string | null {
  const address = parseAddress(text);
  if (!address) return 'unparsable';
  const reason = restrictedReason(address);
  return reason && !privateAllow.includes(address) ? reason : null;
}

/** The restricted range a CIDR overlaps, or null. */
function overlapsRestricted([address, bits]: Cidr): string | null {
  for (const { reason, cidr } of RESTRICTED) {
    if (sameKind(address, cidr[0]) && address.match(cidr[0], Math.min(bits, cidr[1]))) return reason;
  }
  return null;
}

/**
 * Validates an agent's allow-list entry: well formed, and not a private, loopback,
 * link-local or metadata destination unless the operator allowed that range. Returns
 * the normalised entry; throws an EgressRuleError a person can act on.
 */
export function validateEgressEntry(raw: string, privateAllow: PrivateAllowList): string {
  const rule = parseRule(raw);
  let reason: string | null = null;
  if (rule.kind === 'cidr') reason = privateAllow.covers(rule.cidr) ? null : rule.cidr[1] === 0 ? 'all' : overlapsRestricted(rule.cidr);
  else if (rule.kind === 'host') reason = RESTRICTED_NAMES.get(rule.host) ?? null;
  if (reason) {
    throw new EgressRuleError(
      `"${raw}" reaches ${reason === 'all' ? 'every address, private, loopback, link-local and metadata ones included' : `${reason} addresses`}, which sandboxes may not reach; an operator can allow such ranges with PADDOCK_EGRESS_PRIVATE_ALLOW.`,
    );
  }
  return rule.text;
}

/** Whether a rule admits this destination. Host names are compared without a trailing dot. */
export function ruleMatches(rule: EgressRule, host: string, port: number): boolean {
  if (rule.port !== null && rule.port !== port) return false;
  const name = host.toLowerCase().replace(/\.$/, '');
  switch (rule.kind) {
    case 'host':
      return name === rule.host;
    case 'wildcard':
      return name.endsWith(`.${rule.suffix}`);
    case 'cidr': {
      const address = parseAddress(name);
      return address !== null && sameKind(address, rule.cidr[0]) && address.match(rule.cidr);
    }
  }
}

/** Parses a list of entries that were validated when stored; entries that no longer parse are skipped. */
export function parseRules(entries: readonly string[]): EgressRule[] {
  const rules: EgressRule[] = [];
  for (const entry of entries) {
    try {
      rules.push(parseRule(entry));
    } catch {
      // Stored before today's rules: it matches nothing.
    }
  }
  return rules;
}

export function anyRuleMatches(rules: readonly EgressRule[], host: string, port: number): boolean {
  return rules.some((rule) => ruleMatches(rule, host, port));
}
