/**
 * IpAddress / NotIpAddress (IAM user guide, "Condition operators" § IP address): the policy
 * value is an IPv4 or IPv6 address or CIDR block (RFC 4632, RFC 4291 §2.3), the request value
 * an address (aws:SourceIp). Parsing is strict: only dotted-quad IPv4 (no `127.1`, no octal or
 * hex forms), no IPv6 zone ids, prefix lengths within the family. An IPv4 address never matches
 * an IPv6 block and vice versa — IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is not silently
 * converted (security.md I14).
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function parseAddress(s: string): Address | undefined {
  if (s.includes(':')) {
    if (s.includes('%') || !ipaddr.IPv6.isValid(s)) return undefined;
    return ipaddr.IPv6.parse(s);
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
  return ipaddr.IPv4.parse(s);
}

function parseBlock(s: string): [Address, number] | undefined {
  const slash = s.indexOf('/');
  const address = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!address) return undefined;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return [address, max];
  const prefixText = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? [address, prefix] : undefined;
}

export function ipInBlock(request: string, policy: string): boolean | undefined {
  const address = parseAddress(request);
  const block = parseBlock(policy);
  if (!address || !block) return undefined;
  if (address.kind() !== block[0].kind()) return false;
  return address.match(block);
}
