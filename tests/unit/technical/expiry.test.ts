import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../server/core/clock';
import { addDays, daysBetween, expiryBadge, todayOf } from '../../../server/technical/expiry';
import { likePattern } from '../../../server/core/contains-text';
import { ZCreateAssetInput, ZCreateCertificateInput, ZCreateDomainInput, ZDate } from '../../../server/technical/schemas';

describe('expiry badge', () => {
  const today = '2026-11-01';
  it('says "Expired" once the day has passed', () => {
    expect(expiryBadge('2026-10-31', today)).toEqual({ state: 'expired', days: -1, label: 'Expired' });
    expect(expiryBadge('2020-01-01', today)?.label).toBe('Expired');
  });
  it('counts the days within 45 days, today included', () => {
    expect(expiryBadge('2026-11-01', today)).toEqual({ state: 'soon', days: 0, label: 'Expires today' });
    expect(expiryBadge('2026-11-02', today)?.label).toBe('Expires in 1 day');
    expect(expiryBadge('2026-11-21', today)?.label).toBe('Expires in 20 days');
    expect(expiryBadge('2026-12-16', today)).toEqual({ state: 'soon', days: 45, label: 'Expires in 45 days' });
  });
  it('shows nothing beyond 45 days or without a date', () => {
    expect(expiryBadge('2026-12-17', today)).toBeNull();
    expect(expiryBadge(null, today)).toBeNull();
    expect(expiryBadge('not a date', today)).toBeNull();
  });
  it('takes today from the service clock and crosses month and leap-year ends', () => {
    expect(todayOf(new FixedClock(new Date('2028-02-28T23:59:00Z')))).toBe('2028-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-31', '2027-01-30')).toBe(30);
  });
});

describe('search escaping', () => {
  it('makes % and _ and the escape character literal', () => {
    expect(likePattern('50%')).toBe('%50\\%%');
    expect(likePattern('A_1')).toBe('%A\\_1%');
    expect(likePattern('C:\\x')).toBe('%C:\\\\x%');
    expect(likePattern("o'brien")).toBe("%o'brien%");
  });
});

describe('input checks', () => {
  const fieldOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => r.error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  it('refuses bad dates and a warranty ending before the install', () => {
    expect(ZDate.safeParse('2026-02-30').success).toBe(false);
    expect(ZDate.parse('')).toBeNull();
    const r = ZCreateAssetInput.safeParse({ companyId: 1, name: 'PC', type: 'Laptop', installDate: '2026-05-01', warrantyExpiry: '2026-04-01' });
    expect(fieldOf(r)).toEqual(['warrantyExpiry: The warranty cannot end before the install date.']);
    expect(fieldOf(ZCreateAssetInput.safeParse({ companyId: 1, name: ' ', type: 'Toaster' }))).toEqual(['name: Enter the asset name.', 'type: Choose an asset type.']);
  });
  it('checks domain names, name servers and FQDNs', () => {
    expect(ZCreateDomainInput.parse({ companyId: 1, name: 'Example.COM.', nameServers: ['NS1.example.com'] })).toMatchObject({ name: 'example.com', nameServers: ['ns1.example.com'], registrar: null, expiresOn: null });
    expect(fieldOf(ZCreateDomainInput.safeParse({ companyId: 1, name: 'not a domain' }))).toEqual(['name: Enter a domain name like example.com.']);
    expect(fieldOf(ZCreateDomainInput.safeParse({ companyId: 1, name: 'example.com', nameServers: ['x y'] }))?.[0]).toMatch(/^nameServers: Enter each name server/);
    expect(ZCreateCertificateInput.parse({ companyId: 1, name: 'Wildcard', fqdn: '*.example.com' }).fqdn).toBe('*.example.com');
    expect(fieldOf(ZCreateCertificateInput.safeParse({ companyId: 1, name: 'Bad', fqdn: 'https://example.com' }))).toEqual(['fqdn: Enter the FQDN, like www.example.com.']);
  });
});
