import { BlockList, isIP } from 'node:net';

/** "::ffff:192.0.2.1" is 192.0.2.1. */
export const plainIp = (ip: string): string => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** Whether an address is in a list of addresses and CIDR ranges (validated by the settings). */
export function ipRanges(ranges: readonly string[]): (ip: string | null | undefined) => boolean {
  if (!ranges.length) return () => false;
  const list = new BlockList();
  for (const r of ranges) {
    const [ip, bits] = r.split('/') as [string, string | undefined];
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (ip) => {
    if (!ip) return false;
    const plain = plainIp(ip);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}
