import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import type { TSenderAuth } from '../../db/schema/inbound-mail';
import { providers } from '../../db/schema/people';
import { p, preparedQueries } from '../core/prepared';

/*
 * Whether a message may speak for the address in its From. Only mail matched by nothing but
 * that address (a "[#N]" subject, our Message-ID, mail to support from a known contact) asks:
 * a reply token is a secret of its own. The answer is yes when the From's domain vouched for
 * the message (DMARC pass, or with no DMARC policy an aligned DKIM signature, or, where the
 * provider chose so, an aligned SPF pass), or the provider trusts that domain outright.
 */

export type TNoDmarcPolicy = 'hold' | 'spf';

export interface TSenderPolicy {
  /** Domains without a DMARC policy: hold their mail, or trust an SPF pass aligned with the From. */
  noDmarc: TNoDmarcPolicy;
  /** Sender domains trusted without authentication. */
  trustedDomains: readonly string[];
}

export interface TSenderCheck {
  verified: boolean;
  /** What vouched for the sender. */
  by: 'dmarc' | 'dkim' | 'spf' | 'trusted_domain' | null;
  /** In words, for staff. */
  reason: string;
}

export const DEFAULT_SENDER_POLICY: TSenderPolicy = { noDmarc: 'hold', trustedDomains: [] };

const queries = preparedQueries((db) => ({
  policy: db.select({ noDmarc: providers.mailNoDmarc, trustedDomains: providers.mailTrustedDomains }).from(providers).where(eq(providers.id, p('id'))).prepare('sender-trust.policy'),
}));

/** The provider's choices (the defaults when it is not known). */
export async function senderPolicy(db: TDb, providerId: number | null): Promise<TSenderPolicy> {
  return (providerId !== null && await queries(db).policy.get({ id: providerId })) || DEFAULT_SENDER_POLICY;
}

const yes = (by: NonNullable<TSenderCheck['by']>, reason: string): TSenderCheck => ({ verified: true, by, reason });
const no = (reason: string): TSenderCheck => ({ verified: false, by: null, reason });

/** The verdict for one message from `fromAddress` (the From that matching used). */
export function judgeSender(auth: TSenderAuth | null, policy: TSenderPolicy, fromAddress: string | null): TSenderCheck {
  if (!fromAddress) return no('The message names no sender.');
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  if (policy.trustedDomains.includes(domain)) return yes('trusted_domain', `${domain} is trusted without authentication (provider settings).`);
  if (!auth) return no('The sender was not authenticated.');
  if (auth.source === 'unchecked') return no(`The sender could not be authenticated: ${auth.error ?? 'no DNS'}.`);
  if (auth.fromDomain !== domain) return no('The From header names several addresses, or not the one this message was matched by.');
  const dmarc = auth.dmarc?.result ?? 'none';
  if (dmarc === 'pass') return yes('dmarc', `DMARC pass for ${domain}.`);
  if (dmarc === 'fail') return no(`DMARC fail: neither SPF nor DKIM passed for ${domain}.`);
  if (dmarc !== 'none') return no(`The sender could not be authenticated (DMARC ${dmarc}${auth.error ? `: ${auth.error}` : ''}).`);
  // No DMARC policy published: a signature by the From's own domain still proves who sent it.
  const dkim = auth.dkim.find((d) => d.result === 'pass' && d.aligned);
  if (dkim) return yes('dkim', `DKIM signature of ${dkim.domain}; ${domain} publishes no DMARC policy.`);
  const spf = auth.spf?.result === 'pass' && auth.spf.aligned;
  if (spf && policy.noDmarc === 'spf') return yes('spf', `SPF pass for ${auth.spf!.domain}; ${domain} publishes no DMARC policy.`);
  if (spf) return no(`${domain} publishes no DMARC policy; SPF passed, but this provider holds such mail (provider settings).`);
  return no(`No SPF or DKIM pass for ${domain}${auth.error ? ` (${auth.error})` : ''}, and it publishes no DMARC policy.`);
}
