import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TSettings } from '../settings';
import { ipRanges, plainIp } from './ip-ranges';

const trustedOf = new WeakMap<readonly string[], (ip: string | null | undefined) => boolean>();

/**
 * The address a request came from. Behind a load balancer or reverse proxy (its address in
 * TRUSTED_PROXIES) that is the last X-Forwarded-For hop the trusted proxies vouch for: the
 * list is read from the right, past every trusted proxy, so a client cannot claim an address
 * by sending the header itself. From anywhere else the header is ignored.
 */
export function clientIp(req: Pick<IncomingMessage, 'headers' | 'socket'>, settings: Pick<TSettings, 'TRUSTED_PROXIES'>): string {
  const peer = req.socket.remoteAddress ? plainIp(req.socket.remoteAddress) : 'unknown';
  let trusted = trustedOf.get(settings.TRUSTED_PROXIES);
  if (!trusted) trustedOf.set(settings.TRUSTED_PROXIES, (trusted = ipRanges(settings.TRUSTED_PROXIES)));
  if (!trusted(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  let from = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainIp(hops[i]!);
    // Not an address: what lies left of it cannot be trusted; the proxy that wrote it can.
    if (!isIP(hop)) return from;
    from = hop;
    if (!trusted(hop)) return hop;
  }
  return from;
}
