import { ipv4Number, parseIpv4Cidr, strictlyWithin } from './ipv4Cidr';

describe('ipv4Number', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.0.1', 0x0a000001],
    ['255.255.255.255', 0xffffffff],
    ['169.254.169.254', 0xa9fea9fe],
  ])('%s is %d', (address, n) => expect(ipv4Number(address)).toBe(n));

  it.each([
    '256.0.0.1',
    '10.0.0',
    '10.0.0.01',
    'localhost',
    '::1',
    '10.0.0.1 ',
  ])('refuses %j', address => expect(ipv4Number(address)).toBeUndefined());
});

describe('parseIpv4Cidr', () => {
  it.each([
    ['0.0.0.0/0', { network: 0, prefix: 0 }],
    ['10.0.0.0/8', { network: 0x0a000000, prefix: 8 }],
    ['10.1.2.3/32', { network: 0x0a010203, prefix: 32 }],
  ])('%s', (cidr, parsed) => expect(parseIpv4Cidr(cidr)).toEqual(parsed));

  it.each([
    '10.0.0.1/8',
    '10.0.0.0/33',
    '10.0.0.0',
    '10.0.0.0/8/1',
    'fd00::/8',
    '10.0.0.0/-1',
    '10.0.0.0/',
  ])('refuses %j (host bits, prefix, family)', cidr =>
    expect(parseIpv4Cidr(cidr)).toBeUndefined(),
  );
});

describe('strictlyWithin', () => {
  it.each([
    ['169.254.0.0/16', '0.0.0.0/0', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.1/32', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0/8', false], // equal is not strictly inside (the apiserver refuses it as an except)
    ['11.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/8', '10.1.0.0/16', false],
    ['fd00::/8', '0.0.0.0/0', false],
  ])('%s in %s: %s', (inner, outer, within) =>
    expect(strictlyWithin(inner, outer)).toBe(within),
  );
});
