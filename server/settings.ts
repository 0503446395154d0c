import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/** Every file kind an upload may be (see server/attachments/file-types.ts). */
export const ATTACHMENT_KINDS = ['png', 'jpeg', 'gif', 'webp', 'pdf', 'txt', 'csv', 'log', 'docx', 'xlsx', 'pptx', 'zip', 'eml'] as const;
export type TAttachmentKind = (typeof ATTACHMENT_KINDS)[number];

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting Portico reads from the environment (and `.env`). Documented in the README. */
export const ZSettings = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().refine((u) => /^https?:\/\/[^/]/.test(u), 'must start with http:// or https://').optional(),
  DATABASE_PATH: z.string().min(1).default('./data/portico.db'),
  /** postgres://user@host:port/db selects PostgreSQL (read when the process starts); unset: SQLite at DATABASE_PATH. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// URL (leave it unset for SQLite at DATABASE_PATH)')
    .optional(),
  /** PostgreSQL connections one process may hold. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(500).default(10),
  DATA_DIR: z.string().min(1).default('./data/files'),
  SMTP_PORT: port.default(2525),
  SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  MAIL_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/i, 'must be a domain name').default('portico.localhost'),
  MAIL_FROM_NAME: z.string().min(1).default('Portico'),
  /** smtp://user:pass@host:587 or smtps://…; unset keeps mail in the outbox for staff to read. */
  SMTP_RELAY_URL: z.url().refine((u) => /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://').optional(),
  /** PEM files for STARTTLS on the inbound listener; both or neither. */
  SMTP_TLS_CERT: z.string().min(1).optional(),
  SMTP_TLS_KEY: z.string().min(1).optional(),
  /** Largest inbound message, MB; bigger ones get 552. */
  MAIL_MAX_MB: z.coerce.number().positive().max(1024).default(25),
  /** Messages one sender may send in 10 minutes before 451 (mail loops, floods). */
  MAIL_RATE_PER_SENDER: z.coerce.number().int().min(1).max(100_000).default(30),
  /** SMTP connections one source address may hold at once; the next gets 421. */
  SMTP_MAX_PER_IP: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Seconds a client has from the greeting (or its last accepted message) to the end of its next DATA. */
  SMTP_PHASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /**
   * Where sender authentication (SPF, DKIM, DMARC) looks up DNS: `system` (the machine's
   * resolvers), `off` (nothing is looked up: mail matched only by its From is held), or a
   * comma-separated list of resolver addresses (`192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`).
   * Tests run with `off` unless they give records.
   */
  MAIL_DNS: z
    .string()
    .trim()
    .refine((v) => v === 'system' || v === 'off' || v.split(',').every((a) => isResolverAddress(a.trim())), 'must be system, off, or resolver IP addresses separated by commas')
    .optional(),
  /** On SIGTERM/SIGINT, how long requests, SMTP transactions and jobs in flight may take to finish before they are cut. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /** One DNS lookup of sender authentication gives up after this long (a message's whole check after 4×). */
  MAIL_DNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
  /** IP addresses or CIDR ranges of MTAs in front of the listener whose Authentication-Results are read instead of checking. */
  MAIL_TRUSTED_RELAYS: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((list) => list.every(isAddressOrRange), 'must be IP addresses or CIDR ranges (192.0.2.10, 10.0.0.0/8, 2001:db8::/32) separated by commas')
    .default([]),
  /**
   * IP addresses or CIDR ranges of the load balancers or reverse proxies in front of the
   * portal: from them, the client's address is read from X-Forwarded-For (sign-in throttles,
   * sessions, the Security log). Unset: the connection's own address.
   */
  TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((list) => list.every(isAddressOrRange), 'must be IP addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1) separated by commas')
    .default([]),
  /** The authserv-id those relays write in their Authentication-Results header (e.g. their host name). */
  MAIL_TRUSTED_AUTHSERV_ID: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]+$/, 'must be a host name or similar token').optional(),
  /** A reply to a ticket closed this many days ago or less reopens it; later ones open a new, linked ticket. */
  REOPEN_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  /** 32+ characters; signs Message-IDs and device tokens, and encrypts secrets at rest. */
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO: bool.default(true),
  /** Seed 001: a "System Status" link at the bottom of the sign-in page, when set. */
  SYSTEM_STATUS_URL: z.url().refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(8 * 60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  SESSION_LIMIT_DESKTOP: z.coerce.number().int().min(1).max(50).default(3),
  SESSION_LIMIT_MOBILE: z.coerce.number().int().min(1).max(50).default(1),
  /** Reset link lifetime (seed 000: one hour; at most a day). */
  PASSWORD_RESET_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  LOCKOUT_ATTEMPTS: z.coerce.number().int().min(3).max(100).default(7),
  /** Where the card gateway's API is (tests point it at a local stand-in); unset: the gateway's own. */
  PAYMENT_GATEWAY_API_URL: z.url().refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://').optional(),
  WS_MAX_PAYLOAD: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Live subscriptions one WebSocket may hold; the next is refused with TOO_MANY_REQUESTS. */
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(100_000).default(100),
  /** WebSockets one signed-in session may hold open at once. */
  WS_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Largest tRPC request body (queries and mutations), KB; larger ones get 413. Uploads have their own limits. */
  HTTP_MAX_BODY_KB: z.coerce.number().int().min(16).max(64 * 1024).default(1024),
  /** Calls one tRPC batch request may carry. */
  HTTP_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(20),
  /** Which server side of the tRPC WebSocket: the lean adapter, or tRPC's own (same protocol). */
  WS_ADAPTER: z.enum(['lean', 'trpc']).default('lean'),
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().positive().max(1024).default(25),
  /** All files of one ticket or reply together. */
  ATTACHMENT_MAX_MESSAGE_MB: z.coerce.number().positive().max(4096).default(50),
  /** Comma-separated kinds; SVG and HTML are not among them (they can carry script). */
  ATTACHMENT_TYPES: z
    .string()
    .transform((v) => v.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(ATTACHMENT_KINDS)).min(1))
    .default([...ATTACHMENT_KINDS]),
});
export type TSettings = Omit<z.infer<typeof ZSettings>, 'MAIL_DNS'> & { MAIL_DNS: string; publicUrl: string; secretKey: string };

/** "192.0.2.53", "192.0.2.53:5353", "2001:db8::53" or "[2001:db8::53]:5353". */
function isResolverAddress(v: string): boolean {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(v) ?? /^([\d.]+)(?::(\d{1,5}))?$/.exec(v);
  const ip = m ? m[1]! : v;
  return isIP(ip) !== 0 && (!m?.[2] || Number(m[2]) <= 65535);
}

/** "192.0.2.10", "2001:db8::1", "10.0.0.0/8" or "2001:db8::/32". */
function isAddressOrRange(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export class SettingsError extends Error {}

/** Reads `.env` (if present) under the real environment, validates, and derives defaults. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): TSettings {
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile, ...env };
  // Empty strings mean "unset", as in most .env conventions.
  for (const k of Object.keys(merged)) if (merged[k] === '') delete merged[k];
  const parsed = ZSettings.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid settings:\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  if (s.NODE_ENV === 'production' && !s.SECRET_KEY) {
    throw new SettingsError('Invalid settings:\n  SECRET_KEY: required in production (32+ characters)');
  }
  if (!s.SMTP_TLS_CERT !== !s.SMTP_TLS_KEY) {
    throw new SettingsError(`Invalid settings:\n  ${s.SMTP_TLS_CERT ? 'SMTP_TLS_KEY' : 'SMTP_TLS_CERT'}: set both SMTP_TLS_CERT and SMTP_TLS_KEY, or neither`);
  }
  for (const name of ['SMTP_TLS_CERT', 'SMTP_TLS_KEY'] as const) {
    if (s[name] && !existsSync(s[name])) throw new SettingsError(`Invalid settings:\n  ${name}: no such file: ${s[name]}`);
  }
  if (s.MAIL_TRUSTED_RELAYS.length && !s.MAIL_TRUSTED_AUTHSERV_ID) {
    throw new SettingsError('Invalid settings:\n  MAIL_TRUSTED_AUTHSERV_ID: required with MAIL_TRUSTED_RELAYS (the authserv-id their Authentication-Results header carries)');
  }
  // Tests never send lookups to the network; they hand the server the records they need.
  const MAIL_DNS = s.MAIL_DNS ?? (s.NODE_ENV === 'test' ? 'off' : 'system');
  const publicUrl = (s.PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/$/, '');
  // Development falls back to a key derived from the database path so restarts keep tokens valid.
  const secretKey = s.SECRET_KEY ?? `dev-only-secret-${s.DATABASE_PATH}`.padEnd(32, '.');
  return { ...s, MAIL_DNS, publicUrl, secretKey };
}
