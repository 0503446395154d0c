import { describe, expect, it } from 'vitest';
import { clientIp } from '../../../server/core/client-ip';
import { loadSettings } from '../../../server/settings';

/** A request from `peer` carrying `forwarded` as X-Forwarded-For. */
const req = (peer: string, forwarded?: string | string[]) => ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as never;
const behind = (...proxies: string[]) => ({ TRUSTED_PROXIES: proxies });

describe('the client address behind a load balancer', () => {
  it('is the connection\'s own address when no proxy is trusted, whatever the header says', () => {
    expect(clientIp(req('203.0.113.7', '198.51.100.1'), behind())).toBe('203.0.113.7');
    expect(clientIp(req('::ffff:203.0.113.7'), behind())).toBe('203.0.113.7');
  });

  it('is read from X-Forwarded-For only when the connection comes from a trusted proxy', () => {
    expect(clientIp(req('10.0.0.5', '198.51.100.1'), behind('10.0.0.0/8'))).toBe('198.51.100.1');
    expect(clientIp(req('192.0.2.9', '198.51.100.1'), behind('10.0.0.0/8'))).toBe('192.0.2.9');
    expect(clientIp(req('::ffff:127.0.0.1', '198.51.100.1'), behind('127.0.0.1'))).toBe('198.51.100.1');
    expect(clientIp(req('::1', '2001:db8::42'), behind('::1'))).toBe('2001:db8::42');
    expect(clientIp(req('10.0.0.5'), behind('10.0.0.0/8'))).toBe('10.0.0.5');
  });

  it('cannot be claimed by a client sending the header itself', () => {
    // The client wrote "1.2.3.4"; nginx appended the address it saw.
    expect(clientIp(req('10.0.0.5', '1.2.3.4, 198.51.100.1'), behind('10.0.0.0/8'))).toBe('198.51.100.1');
    // Two proxies in a row, both trusted: the hop before them.
    expect(clientIp(req('10.0.0.5', ['1.2.3.4, 198.51.100.1', '10.0.0.9']), behind('10.0.0.0/8'))).toBe('198.51.100.1');
    // Something that is not an address stops the reading at the proxy that passed it on.
    expect(clientIp(req('10.0.0.5', '198.51.100.1, not-an-ip, 10.0.0.9'), behind('10.0.0.0/8'))).toBe('10.0.0.9');
    // Every hop trusted: the first.
    expect(clientIp(req('10.0.0.5', '10.0.0.7, 10.0.0.9'), behind('10.0.0.0/8'))).toBe('10.0.0.7');
  });

  it('takes addresses and ranges in the setting, and refuses anything else', () => {
    expect(loadSettings({ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8, ::1' }, '/nonexistent.env').TRUSTED_PROXIES).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(loadSettings({}, '/nonexistent.env').TRUSTED_PROXIES).toEqual([]);
    expect(() => loadSettings({ TRUSTED_PROXIES: 'nginx.internal' }, '/nonexistent.env')).toThrow(/TRUSTED_PROXIES/);
  });
});
