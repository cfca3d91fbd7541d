import { describe, expect, it } from 'vitest';
import { anyRuleMatches, EgressRuleError, parseAddress, parseRules, PrivateAllowList, restrictedReason, validateEgressEntry } from './rules.ts';

const none = PrivateAllowList.parse('');

describe('egress rules', () => {
  it('match exact names, subdomain wildcards, ports and CIDRs', () => {
    const rules = parseRules(['api.github.com', '*.npmjs.org', 'pypi.org:443', '203.0.113.0/24', '[2001:db8::1]:8443']);
    expect(anyRuleMatches(rules, 'API.GitHub.com.', 443)).toBe(true);
    expect(anyRuleMatches(rules, 'evil-api.github.com', 443)).toBe(false);
    expect(anyRuleMatches(rules, 'registry.npmjs.org', 443)).toBe(true);
    expect(anyRuleMatches(rules, 'a.b.npmjs.org', 80)).toBe(true);
    expect(anyRuleMatches(rules, 'npmjs.org', 443)).toBe(false);
    expect(anyRuleMatches(rules, 'npmjs.org.evil.com', 443)).toBe(false);
    expect(anyRuleMatches(rules, 'pypi.org', 443)).toBe(true);
    expect(anyRuleMatches(rules, 'pypi.org', 80)).toBe(false);
    expect(anyRuleMatches(rules, '203.0.113.77', 22)).toBe(true);
    expect(anyRuleMatches(rules, '203.0.114.1', 22)).toBe(false);
    expect(anyRuleMatches(rules, '2001:db8::1', 8443)).toBe(true);
    expect(anyRuleMatches(rules, '2001:db8::1', 443)).toBe(false);
  });

  it('classify restricted addresses, IPv4-mapped IPv6 included', () => {
    expect(restrictedReason(parseAddress('169.254.169.254')!)).toBe('metadata');
    expect(restrictedReason(parseAddress('127.0.0.1')!)).toBe('loopback');
    expect(restrictedReason(parseAddress('::ffff:127.0.0.1')!)).toBe('loopback');
    expect(restrictedReason(parseAddress('10.1.2.3')!)).toBe('private');
    expect(restrictedReason(parseAddress('fe80::1')!)).toBe('link-local');
    // NAT64 and 6to4 addresses may carry the metadata or a private address.
    expect(restrictedReason(parseAddress('64:ff9b::a9fe:a9fe')!)).toBe('translated');
    expect(restrictedReason(parseAddress('2002:a9fe:a9fe::')!)).toBe('translated');
    expect(restrictedReason(parseAddress('8.8.8.8')!)).toBeNull();
  });

  it('refuse private, loopback, link-local, metadata and catch-all entries, naming the variable that allows them', () => {
    for (const entry of [
      '0.0.0.0/0',
      '169.254.169.254',
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      '8.0.0.0/4',
      'localhost',
      'metadata.google.internal',
      '[fd00:ec2::254]:80',
      '64:ff9b::/96',
      '2002::/16',
    ]) {
      expect(() => validateEgressEntry(entry, none), entry).toThrow(/PADDOCK_EGRESS_PRIVATE_ALLOW/);
    }
    expect(validateEgressEntry(' API.example.com:443 ', none)).toBe('api.example.com:443');
    expect(validateEgressEntry('203.0.113.0/24', none)).toBe('203.0.113.0/24');
  });

  it('accept restricted ranges the operator allowed, and only inside them', () => {
    const allow = PrivateAllowList.parse('10.5.0.0/16, 127.0.0.1');
    expect(validateEgressEntry('10.5.3.0/24', allow)).toBe('10.5.3.0/24');
    expect(validateEgressEntry('127.0.0.1:8080', allow)).toBe('127.0.0.1:8080');
    expect(() => validateEgressEntry('10.0.0.0/8', allow)).toThrow(EgressRuleError);
    expect(() => validateEgressEntry('127.0.0.2', allow)).toThrow(EgressRuleError);
    expect(allow.includes(parseAddress('10.5.200.1')!)).toBe(true);
    expect(allow.includes(parseAddress('10.6.0.1')!)).toBe(false);
  });

  it('say what is wrong with malformed entries', () => {
    expect(() => validateEgressEntry('http://example.com', none)).toThrow(/not a host name/);
    expect(() => validateEgressEntry('*.com', none)).toThrow(/wildcard/);
    expect(() => validateEgressEntry('example.com:99999', none)).toThrow(/port/);
    expect(() => PrivateAllowList.parse('10.0.0.0/8,example.com')).toThrow(/not an IP address or CIDR/);
  });
});
