/** An IPv4 CIDR as numbers: the network address and the prefix length. */
interface Ipv4Cidr {
  network: number;
  prefix: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** The address as an unsigned 32-bit number; undefined when it is not a dotted IPv4 address. */
export function ipv4Number(address: string): number | undefined {
  const m = IPV4.exec(address);
  if (!m) return undefined;
  return (
    ((Number(m[1]) << 24) |
      (Number(m[2]) << 16) |
      (Number(m[3]) << 8) |
      Number(m[4])) >>>
    0
  );
}

/** Parses `a.b.c.d/n`; undefined for anything else (IPv6 included). Host bits must be zero. */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const [address, bits, ...rest] = cidr.split('/');
  if (rest.length || bits === undefined || !/^\d{1,2}$/.test(bits))
    return undefined;
  const prefix = Number(bits);
  const network = ipv4Number(address);
  if (network === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((network & mask) >>> 0 !== network) return undefined;
  return { network, prefix };
}

/**
 * Whether `inner` lies strictly inside `outer` (both IPv4 CIDRs): what a
 * NetworkPolicy ipBlock requires of each of its `except` entries.
 */
export function strictlyWithin(inner: string, outer: string): boolean {
  const i = parseIpv4Cidr(inner);
  const o = parseIpv4Cidr(outer);
  if (!i || !o || i.prefix <= o.prefix) return false;
  const mask = o.prefix === 0 ? 0 : (~0 << (32 - o.prefix)) >>> 0;
  return (i.network & mask) >>> 0 === o.network;
}
