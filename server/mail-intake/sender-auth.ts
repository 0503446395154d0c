import { ipRanges, plainIp } from '../core/ip-ranges';
import { loadOnFirstUse } from '../core/load-on-first-use';
import type { Logger } from 'pino';
import type { TSenderAuth } from '../../db/schema/inbound-mail';
import type { TSettings } from '../settings';
import { headerFields, relayAuthResults, type TAuthResult } from './auth-results';
import type { TDnsResolver } from './mail-dns';

/*
 * Sender authentication as a receiving MX does it: SPF for the envelope sender and the
 * connecting address, DKIM signatures, DMARC for the header From, ARC where present (mailauth
 * does the checks). Behind a relay the deployment trusts, the relay's Authentication-Results
 * are read instead. What the results mean for a message is decided in sender-trust.ts.
 */

export interface TAuthInput {
  raw: Buffer;
  clientIp: string | null;
  clientHelo: string | null;
  envelopeFrom: string | null;
}

export interface TSenderAuthenticator {
  /** Never rejects: anything that goes wrong is a verdict that vouches for nobody. */
  check(input: TAuthInput): Promise<TSenderAuth>;
}

// mailauth takes about as long to load as the rest of the server: it loads with the first message.
const loadMailauth = loadOnFirstUse(async () => ({ authenticate: (await import('mailauth')).authenticate, tools: (await import('mailauth/lib/tools.js')).default }));
type TMailauth = Awaited<ReturnType<typeof loadMailauth>>;

/** Same organisational domain (DMARC's relaxed alignment). */
const aligned = (tools: TMailauth['tools'], fromDomain: string | null, domain: string | null | undefined): boolean =>
  !!fromDomain && !!domain && !!tools.getAlignment(fromDomain, [domain.toLowerCase()]);

const domainOf = (address: string | null | undefined) => (address?.includes('@') ? address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/>$/, '') : (address?.toLowerCase() ?? null));


function summarise(a: Omit<TSenderAuth, 'summary'>): string {
  if (a.source === 'unchecked') return `Not checked: ${a.error ?? 'no DNS'}`;
  const spf = a.spf ? `SPF ${a.spf.result}${a.spf.domain ? ` (${a.spf.domain})` : ''}` : 'SPF not checked';
  const dkim = a.dkim.length ? a.dkim.map((d) => `DKIM ${d.result} (${d.domain})`).join(', ') : 'DKIM none';
  const dmarc = a.dmarc ? `DMARC ${a.dmarc.result}${a.fromDomain ? ` (${a.fromDomain})` : ''}` : 'DMARC not checked';
  const arc = a.arc && a.arc.result !== 'none' ? `, ARC ${a.arc.result}` : '';
  return `${spf}, ${dkim}, ${dmarc}${arc}${a.source === 'relay' ? `, by ${a.by}` : ''}`;
}

export function finish(a: Omit<TSenderAuth, 'summary' | 'alignedDomain'>): TSenderAuth {
  const dkim = a.dkim.find((d) => d.result === 'pass' && d.aligned);
  const spf = a.spf?.result === 'pass' && a.spf.aligned ? a.spf : null;
  const whole = { ...a, alignedDomain: dkim?.domain ?? spf?.domain ?? null };
  return { ...whole, summary: summarise(whole) };
}

/** The relay's word, in the shape of our own checks; alignment is judged here, against the From we read. */
function fromRelay(tools: TMailauth['tools'], results: TAuthResult[] | null, by: string, fromDomain: string | null): TSenderAuth {
  if (!results) return finish({ source: 'relay', by, fromDomain, spf: null, dkim: [], dmarc: null, arc: null, error: 'The trusted relay added no Authentication-Results header.' });
  const first = (method: string) => results.find((r) => r.method === method);
  const spf = first('spf');
  const spfDomain = spf ? domainOf(spf.props['smtp.mailfrom'] ?? spf.props['smtp.helo']) : null;
  const dmarc = first('dmarc');
  // The relay read another From than we do: its results say nothing about this message's sender.
  const sameFrom = !dmarc || domainOf(dmarc.props['header.from']) === fromDomain;
  const arc = first('arc');
  return finish({
    source: 'relay',
    by,
    fromDomain: sameFrom ? fromDomain : null,
    spf: spf ? { result: spf.result, domain: spfDomain, aligned: aligned(tools, fromDomain, spfDomain) } : null,
    dkim: results
      .filter((r) => r.method === 'dkim')
      .map((r) => {
        const domain = domainOf(r.props['header.d'] ?? r.props['header.i'] ?? '') ?? '';
        return { result: r.result, domain, aligned: aligned(tools, fromDomain, domain) };
      }),
    dmarc: dmarc && sameFrom ? { result: dmarc.result, policy: dmarc.props['policy.dmarc'] ?? null } : null,
    arc: arc ? { result: arc.result } : null,
    error: sameFrom ? null : `The relay's DMARC result is about ${dmarc?.props['header.from'] ?? 'no domain'}, not ${fromDomain ?? 'the From'}.`,
  });
}

/**
 * The header From's domain when the message has one From field naming one domain (a display
 * name may repeat the address); null for none, several fields, or several domains.
 */
function singleFromDomain(fields: readonly [string, string][]): string | null {
  const froms = fields.filter(([n]) => n === 'from').map(([, v]) => v);
  if (froms.length !== 1) return null;
  const domains = new Set((froms[0]!.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? []).map(domainOf));
  return domains.size === 1 ? [...domains][0]! : null;
}

/**
 * The authenticator intake uses: a trusted relay's results for mail it passed on, our own
 * checks with `resolver`, or (no resolver: no DNS here) a verdict that nothing was checked.
 * Each check ends within 4 × MAIL_DNS_TIMEOUT_MS.
 */
export function createSenderAuthenticator(settings: TSettings, log: Logger, resolver: TDnsResolver | null): TSenderAuthenticator {
  const fromRelayIp = ipRanges(settings.MAIL_TRUSTED_RELAYS);
  const authservId = settings.MAIL_TRUSTED_AUTHSERV_ID ?? '';
  const deadlineMs = 4 * settings.MAIL_DNS_TIMEOUT_MS;
  const mta = settings.MAIL_DOMAIN;

  async function ourChecks({ authenticate, tools }: TMailauth, input: TAuthInput, fromDomain: string | null, resolver: TDnsResolver): Promise<TSenderAuth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the checks took longer than ${deadlineMs} ms`)), deadlineMs);
    });
    try {
      const ip = input.clientIp ? plainIp(input.clientIp) : undefined;
      const res = await Promise.race([
        authenticate(input.raw, { ip, helo: input.clientHelo ?? undefined, sender: input.envelopeFrom ?? undefined, mta, resolver, disableBimi: true }),
        timeout,
      ]);
      const headerFrom = res.dkim.headerFrom.length === 1 ? domainOf(res.dkim.headerFrom[0]) : null;
      // mailauth and our header reading must agree on whose mail this claims to be.
      const from = headerFrom === fromDomain ? fromDomain : null;
      const spfDomain = res.spf ? domainOf(res.spf.domain) : null;
      return finish({
        source: 'checked',
        by: mta,
        fromDomain: from,
        // Without the connecting address SPF means nothing (rows accepted before it was kept).
        spf: res.spf && ip ? { result: res.spf.status.result, domain: spfDomain, aligned: aligned(tools, from, spfDomain) } : null,
        dkim: res.dkim.results.filter((r) => r.signingDomain).map((r) => ({ result: r.status.result, domain: r.signingDomain.toLowerCase(), aligned: aligned(tools, from, r.signingDomain) })),
        dmarc: res.dmarc && from ? { result: res.dmarc.status.result, policy: (res.dmarc as { policy?: string }).policy ?? null } : null,
        arc: res.arc ? { result: res.arc.status.result } : null,
        error: ip ? null : 'The connecting address is not known: SPF was not checked.',
      });
    } catch (err) {
      log.warn({ err }, 'sender authentication could not run');
      return finish({ source: 'checked', by: mta, fromDomain, spf: null, dkim: [], dmarc: null, arc: null, error: `Could not authenticate: ${(err as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async check(input) {
      const fields = headerFields(input.raw);
      const fromDomain = singleFromDomain(fields);
      if (fromRelayIp(input.clientIp)) return fromRelay((await loadMailauth()).tools, relayAuthResults(fields, authservId), authservId, fromDomain);
      if (!resolver) {
        return finish({ source: 'unchecked', by: mta, fromDomain, spf: null, dkim: [], dmarc: null, arc: null, error: 'this server looks up no DNS (MAIL_DNS=off)' });
      }
      return ourChecks(await loadMailauth(), input, fromDomain, resolver);
    },
  };
}
