import { promises as dns } from 'node:dns';
import type { Logger } from 'pino';
import type { TSettings } from '../settings';

/*
 * DNS for sender authentication, in the shape mailauth takes: (name, type) → records, or an
 * error with a DNS code (ENOTFOUND and ENODATA mean "no such record"; anything else means
 * "could not tell"). Every lookup is bounded; a resolver that stops answering is skipped for
 * a while, so a machine without DNS fails fast instead of waiting out every lookup.
 */

/** mailauth's resolver: TXT records come as arrays of strings, others as strings. */
export type TDnsResolver = (name: string, type: string) => Promise<string[][] | string[]>;

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 2000;
/** This many lookups in a row that got no answer at all mean the resolver is down... */
const DOWN_AFTER = 3;
/** ...and it is not asked again for this long. */
const DOWN_FOR_MS = 30_000;
/** Reserved names (RFC 2606, RFC 6761): they are in no DNS, and the demo and tests use them. */
const RESERVED = /(^|\.)(test|example|invalid|localhost)\.?$/i;

const dnsError = (code: string, message: string) => Object.assign(new Error(message), { code });
/** The resolver itself did not answer (as opposed to answering "no such name"). */
const UNREACHABLE = new Set(['ETIMEOUT', 'ECONNREFUSED', 'ECANCELLED', 'EREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EAI_AGAIN']);

/** A short cache of answers and of "no such record", shared by the checks of this process. */
function cached(resolve: TDnsResolver): TDnsResolver {
  const cache = new Map<string, { until: number; value?: string[][] | string[]; error?: Error }>();
  return async (name, type) => {
    const key = `${type} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) {
      if (hit.error) throw hit.error;
      return hit.value!;
    }
    try {
      const value = await resolve(name, type);
      remember(cache, key, { until: now + CACHE_TTL_MS, value });
      return value;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') remember(cache, key, { until: now + CACHE_TTL_MS, error: err as Error });
      throw err;
    }
  };
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
}

/** The machine's resolvers (or the listed ones), one try per lookup, skipped for a while when down. */
function systemResolver(settings: TSettings, log: Logger): TDnsResolver {
  const resolver = new dns.Resolver({ timeout: settings.MAIL_DNS_TIMEOUT_MS, tries: 1 });
  if (settings.MAIL_DNS !== 'system') resolver.setServers(settings.MAIL_DNS.split(',').map((a) => a.trim()));
  let misses = 0;
  let downUntil = 0;
  return async (name, type) => {
    if (RESERVED.test(name)) throw dnsError('ENOTFOUND', `${name} is a reserved name`);
    if (Date.now() < downUntil) throw dnsError('ETIMEOUT', 'DNS is not answering');
    try {
      const answer = (await resolver.resolve(name, type)) as string[][] | string[];
      misses = 0;
      return answer;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!UNREACHABLE.has(code)) misses = 0;
      else if (++misses >= DOWN_AFTER) {
        misses = 0;
        downUntil = Date.now() + DOWN_FOR_MS;
        log.warn({ code }, `DNS is not answering; sender authentication holds mail matched only by its From for the next ${DOWN_FOR_MS / 1000} s`);
      }
      throw err;
    }
  };
}

/**
 * The resolver sender authentication uses: the one given (tests serve their own records),
 * else MAIL_DNS's; null when MAIL_DNS is `off`.
 */
export function createMailResolver(settings: TSettings, log: Logger, given?: TDnsResolver): TDnsResolver | null {
  if (given) return given;
  if (settings.MAIL_DNS === 'off') return null;
  return cached(systemResolver(settings, log));
}
