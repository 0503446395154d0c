import { generateKeyPairSync } from 'node:crypto';
import type { TDnsResolver } from '../../server/mail-intake/mail-dns';

/**
 * DNS records a test serves to sender authentication (the resolver mailauth is given), so
 * SPF, DKIM and DMARC run for real without the network. Names not set answer NXDOMAIN.
 */
export function dnsZone() {
  const records = new Map<string, string[][] | string[]>();
  const key = (name: string, type: string) => `${type.toUpperCase()} ${name.toLowerCase().replace(/\.$/, '')}`;
  const asked: string[] = [];
  const resolver: TDnsResolver = async (name, type) => {
    asked.push(key(name, type));
    const hit = records.get(key(name, type));
    if (hit) return hit;
    throw Object.assign(new Error(`query${type} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return {
    resolver,
    /** Every lookup so far, as "TYPE name". */
    asked,
    txt(name: string, value: string | null) {
      if (value === null) records.delete(key(name, 'TXT'));
      else records.set(key(name, 'TXT'), [[value]]);
    },
  };
}

/** A real RSA key pair for DKIM: nodemailer signs with `sign`; `record` is its TXT value. */
export function dkimKey(domainName: string, keySelector = 'portico-test') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    name: `${keySelector}._domainkey.${domainName}`,
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    sign: { domainName, keySelector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  };
}
