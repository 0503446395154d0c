// First: it sets the engine from --database before the schema is imported.
import { benchDatabase } from './bench-database';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { count, eq, sql } from 'drizzle-orm';
import { analyzeDatabase, closeDatabase, openDatabase, rawExecOnWriter, rawRows } from '../db/client';
import { ENGINE } from '../db/engine';
import { migrateDatabase } from '../db/migrate';
import { companies, contacts, providers, staffMembers, users, type TContactType } from '../db/schema/people';
import { ticketComments, ticketWatchers, tickets, TICKET_PRIORITIES, type TTicketStatus } from '../db/schema/tickets';
import { actorForAccount } from '../server/auth/accounts';
import type { TContactActor, TStaffActor } from '../server/core/actor';
import { withActor, type ServiceContext } from '../server/core/context';
import { createServiceContext } from '../server/core/create-service-context';
import { createLogger } from '../server/core/logger';
import { createCompany } from '../server/people/create-company';
import { createContact } from '../server/people/create-contact';
import { seedDemo } from '../server/seed/demo-people';
import { loadSettings } from '../server/settings';
import { listTickets, listWalks } from '../server/tickets/list-tickets';
import { ZListTicketsInput, ZTicketFeedInput, type TListTicketsInput, type TTicketFeedInput } from '../server/tickets/schemas';
import { feedWalks, ticketFeed } from '../server/tickets/ticket-feed';
import { ticketPageQueries, type TTicketPage } from '../server/tickets/ticket-page';
import { toFtsQuery, toTsQuery } from '../server/tickets/search-query';

/*
 * npm run bench:search -- --tickets N --comments M [--rounds R] [--explain] [--keep] [--database postgres://…]
 *
 * Fills a fresh database (SQLite, or a new database on the --database server:
 * bench/bench-database.ts) with N tickets and M comments of the demo provider, spread over
 * its companies and contacts (customers of different sizes), three years of history
 * with most tickets closed, and support-desk text: common words, a long tail of host names,
 * asset tags and error codes, and a few planted rare words. Rows go in by multi-row inserts
 * in transactions; the search index follows through the migrations' triggers, as in use.
 * Then ANALYZE (VACUUM ANALYZE on PostgreSQL, as autovacuum would have done by then).
 *
 * Each case calls the real service, as a contact (listTickets) or staff (ticketFeed):
 * searches of 1–3 words, common and rare, and list pages (the first, and a later one
 * reached by its cursor). R rounds run every case once, in a new order each round, after
 * a warm-up. --explain prints each case's page query plan; --keep leaves the database in
 * place for a closer look (its location is printed). The last line is the JSON
 * summary; search_p99_ms and list_p99_ms are the worst case's p99 of each kind.
 */

const { values: arg } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    comments: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const T = Number(arg.tickets);
const C = Number(arg.comments);
const ROUNDS = Number(arg.rounds);
const WARMUP = 10;
if (!(T >= 100) || !(C >= 0)) throw new Error('--tickets must be at least 100, --comments at least 0');

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const ms = (v: number) => Math.round(v * 100) / 100;
const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN);

// ---- deterministic random text ----------------------------------------------------------------

let state = Number(arg.seed) >>> 0 || 1;
/** mulberry32: the same data for the same --seed on both engines. */
function rand(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <X>(list: readonly X[]): X => list[Math.floor(rand() * list.length)]!;
/** Early entries far more often than late ones, as words are used. */
const skewed = <X>(list: readonly X[]): X => list[Math.floor(list.length * rand() ** 1.5)]!;
const digits = (n: number) => String(Math.floor(rand() * 10 ** n)).padStart(n, '0');

const DEVICES = ['printer', 'laptop', 'desktop', 'monitor', 'phone', 'scanner', 'router', 'switch', 'firewall', 'server', 'docking station', 'headset', 'webcam', 'tablet', 'NAS', 'UPS', 'access point', 'projector', 'label printer', 'card reader'];
const APPS = ['Outlook', 'Teams', 'Excel', 'OneDrive', 'SharePoint', 'Word', 'Chrome', 'QuickBooks', 'Dentrix', 'Zoom', 'Adobe Reader', 'the VPN client', 'Windows Update', 'the antivirus', 'the backup agent', 'Edge', 'PowerPoint', 'Salesforce', 'the CRM', 'Citrix'];
const PLACES = ['reception', 'front desk', 'second floor', 'warehouse', 'conference room', 'back office', 'break room', 'lab', 'loading dock', 'main office', 'branch office', 'server room', 'accounts office', 'surgery 3', 'training room'];
const NAMES = ['Maria', 'James', 'Priya', 'Tom', 'Aisha', 'Lukas', 'Chen', 'Olivia', 'Mateo', 'Sofia', 'Noah', 'Emma', 'Hiroshi', 'Fatima', 'Liam', 'Zoe', 'Kwame', 'Ingrid', 'Diego', 'Hannah', 'Ravi', 'Nadia', 'Oscar', 'Yusuf', 'Greta', 'Pavel', 'Leila', 'Sean', 'Mei', 'Tariq'];
const ERRORS = ['access denied', 'a timeout', 'error 0x80070005', 'error 1603', 'DNS_PROBE_FINISHED_NXDOMAIN', 'a certificate error', '"the RPC server is unavailable"', 'error 0x800ccc0e', 'a blue screen', '"profile could not be loaded"', 'error 691', 'a 503 error'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const host = () => `${pick(['ws', 'srv', 'lt', 'prn', 'nas'])}-${digits(4)}`;
const assetTag = () => `${pick(['PR', 'LT', 'DT', 'MN'])}-${digits(4)}`;

const SUBJECTS: (() => string)[] = [
  () => `${cap(pick(DEVICES))} in the ${pick(PLACES)} is offline`,
  () => `Printer offline again in the ${pick(PLACES)}`,
  () => `Cannot print from ${pick(APPS)}`,
  () => `${cap(pick(APPS))} keeps crashing`,
  () => `Outlook keeps crashing on startup`,
  () => `Password reset for ${pick(NAMES)}`,
  () => `New starter ${pick(DAYS)}: laptop and email account`,
  () => `VPN drops every few minutes`,
  () => `Email not syncing on ${pick(NAMES)}'s phone`,
  () => `Slow ${pick(DEVICES)} in the ${pick(PLACES)}`,
  () => `${cap(pick(APPS))} asks for the password again`,
  () => `Error when opening ${pick(APPS)}`,
  () => `Backup failed on ${host()}`,
  () => `Replace toner cartridge in the ${pick(PLACES)} printer`,
  () => `Wi-Fi is weak in the ${pick(PLACES)}`,
  () => `Shared drive S: not mapping`,
  () => `${pick(NAMES)} cannot dial out`,
  () => `Certificate warning on ${host()}`,
  () => `Please install ${pick(APPS)} for ${pick(NAMES)}`,
  () => `Leaver: disable ${pick(NAMES)}'s account`,
  () => `Firmware update for the ${pick(DEVICES)}`,
  () => `${cap(pick(DEVICES))} ${assetTag()} will not turn on`,
];
const SENTENCES: (() => string)[] = [
  () => `The ${pick(DEVICES)} in the ${pick(PLACES)} shows offline on every PC since this morning.`,
  () => `${pick(NAMES)} cannot sign in to ${pick(APPS)}; it says the password is wrong.`,
  () => `Could you reset the password for ${pick(NAMES)}? They are locked out again.`,
  () => `${cap(pick(APPS))} gives ${pick(ERRORS)} when we open it.`,
  () => `It started after the update last night.`,
  () => `We restarted it but the problem came back after an hour.`,
  () => `Please call me on the front desk number when you have a minute.`,
  () => `Thanks, that fixed it.`,
  () => `Thanks, I am looking into this now.`,
  () => `I have rebooted ${host()} and the service is running again.`,
  () => `Can you try rebooting the ${pick(DEVICES)} and let me know if it happens again?`,
  () => `The printer is offline again and the queue has stuck jobs.`,
  () => `Replaced the toner cartridge and printed a test page.`,
  () => `Outlook keeps crashing when ${pick(NAMES)} opens the shared calendar.`,
  () => `Repaired the Office installation and rebuilt the Outlook profile.`,
  () => `The VPN disconnects every few minutes when working from home.`,
  () => `Updated the firmware on the ${pick(DEVICES)} to the latest version.`,
  () => `The backup job on ${host()} failed with ${pick(ERRORS)}.`,
  () => `I checked the event log on ${host()} and found nothing unusual.`,
  () => `Asset tag ${assetTag()}, it is the one by the window.`,
  () => `We ordered a replacement ${pick(DEVICES)}; it should arrive on ${pick(DAYS)}.`,
  () => `Waiting on the vendor to confirm the warranty for ${assetTag()}.`,
  () => `Mapped drive S: asks for credentials and then fails.`,
  () => `The Wi-Fi keeps dropping in the ${pick(PLACES)}.`,
  () => `${pick(NAMES)} starts on ${pick(DAYS)} and needs a laptop, email and access to ${pick(APPS)}.`,
  () => `Disabled the account and forwarded the mailbox to ${pick(NAMES)}.`,
  () => `Is there any update on this? It is still not working.`,
  () => `Closing this as resolved; reply here if it comes back.`,
  () => `The certificate on ${host()} expires next week; renewing it now.`,
  () => `Our internet was slow all afternoon, the speed test shows ${digits(2)} Mbps.`,
  () => `Please see the screenshot, the error is ${pick(ERRORS)}.`,
  () => `Remote session done; cleared the cache and signed ${pick(NAMES)} in again.`,
  () => `The ${pick(DEVICES)} makes a clicking noise and then turns off.`,
  () => `Moved the desk in the ${pick(PLACES)}; the network port there is dead.`,
  () => `Case ${digits(6)} opened with the vendor.`,
  () => `Sorry for the delay, we had a busy morning.`,
];
const GREETINGS = [() => `Hi ${pick(NAMES)},`, () => 'Hello,', () => 'Hi team,', () => ''];
const CLOSINGS = [() => `Kind regards, ${pick(NAMES)}`, () => 'Thanks', () => 'Cheers', () => ''];
/** Planted words: how many documents in a million carry each (search cases of known rarity). */
const RARE: [perMillion: number, sentence: () => string][] = [
  [50, () => `The Zyxel switch in the ${pick(PLACES)} needed a firmware update.`],
  [500, () => `The event log shows Kerberos pre-authentication failures for ${pick(NAMES)}.`],
  [5000, () => `The large-format plotter in the ${pick(PLACES)} needs a new toner cartridge.`],
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function paragraph(sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(skewed(SENTENCES)());
  for (const [perMillion, sentence] of RARE) if (rand() * 1e6 < perMillion) out.splice(Math.floor(rand() * (out.length + 1)), 0, sentence());
  return out.join(' ');
}
const message = (sentences: number) => [pick(GREETINGS)(), paragraph(sentences), pick(CLOSINGS)()].filter(Boolean).join('\n');

// ---- database ---------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-search-'));
const database = await benchDatabase(dir);
const settings = loadSettings({ NODE_ENV: 'test', ...database.env, DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent' }, '/nonexistent.env');
const db = await openDatabase(settings);
await migrateDatabase(db);
const base = createServiceContext({ db, settings, log: createLogger('silent') });
await seedDemo(base);

const staffCtx = async (email: string) => {
  const user = (await db.select().from(users).where(eq(users.email, email)))[0]!;
  const staff = (await db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)))[0]!;
  return withActor(base, (await actorForAccount(db, user, { kind: 'staff', id: staff.id }))!);
};
const asAdmin = await staffCtx('admin@demo-msp.test');
const asTech = await staffCtx('tech@demo-msp.test');
const admin = asAdmin.actor as TStaffActor;

// More customers beside the demo's two: a few large, many small.
const MORE = ['Contoso Legal', 'Fabrikam Clinics', 'Tailspin Travel', 'Litware Labs', 'Proseware Retail', 'Adatum Accounting'];
for (const [i, name] of MORE.entries()) {
  const domain = `${name.split(' ')[0]!.toLowerCase()}.test`;
  const company = await createCompany(asAdmin, { name, emailDomains: [domain] });
  for (let j = 0; j < 3 + (i % 4); j++) {
    const types: TContactType[] = j === 0 ? ['standard', 'primary'] : ['standard'];
    await createContact(asAdmin, { companyId: company.id, name: `${NAMES[(i * 5 + j) % NAMES.length]} ${name.split(' ')[0]}`, email: `user${j}@${domain}`, types });
  }
}
const companyRows = await db.select({ id: companies.id, name: companies.name }).from(companies).where(eq(companies.providerId, admin.providerId)).orderBy(companies.id);
const contactRows = await db.select({ id: contacts.id, companyId: contacts.companyId, userId: contacts.userId, name: contacts.name }).from(contacts).orderBy(contacts.id);
const staffRows = await db.select({ id: staffMembers.id, userId: staffMembers.userId, name: users.name }).from(staffMembers).innerJoin(users, eq(users.id, staffMembers.userId));
// Customer size: the first companies hold most tickets (30%, 20%, 15%, …).
const companyWeights = companyRows.map((_, i) => [30, 20, 15, 10, 10, 6, 5, 4][i] ?? 2);
const byCompany = new Map(companyRows.map((c) => [c.id, contactRows.filter((k) => k.companyId === c.id)]));
const weighted = <X>(list: readonly X[], weights: readonly number[]) => {
  let r = rand() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < list.length; i++) if ((r -= weights[i]!) < 0) return list[i]!;
  return list[list.length - 1]!;
};

// ---- bulk load --------------------------------------------------------------------------------

const DAY = 86_400_000;
const NOW = Date.now();
const SPAN = 3 * 365 * DAY;
const ACTIVE: TTicketStatus[] = ['open', 'open', 'open', 'open', 'in_progress', 'in_progress', 'in_progress', 'waiting_on_client', 'waiting_on_client', 'waiting_on_vendor'];
const CATEGORIES = ['Hardware', 'Software', 'Network', 'Accounts and access', 'Email', null];

// Comments per ticket: most threads short, one in twenty long.
const threadWeight = Float64Array.from({ length: T }, () => (rand() < 0.05 ? 8 : 1));
const cumulative = new Float64Array(T);
threadWeight.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
const commentCount = new Int32Array(T);
for (let c = 0; c < C; c++) {
  const r = rand() * cumulative[T - 1]!;
  let lo = 0;
  let hi = T - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  commentCount[lo]!++;
}

const provider = (await db.select({ next: providers.nextTicketNumber }).from(providers).where(eq(providers.id, admin.providerId)))[0]!;
const TICKET_CHUNK = 2000;
const ROWS_PER_INSERT = { tickets: 500, comments: 1000 };
const loadStart = nowMs();
let nextNumber = provider.next;
let commentsDone = 0;
let watchersDone = 0;
for (let from = 0; from < T; from += TICKET_CHUNK) {
  const n = Math.min(TICKET_CHUNK, T - from);
  const ticketRows: (typeof tickets.$inferInsert)[] = [];
  const plan: { created: number; updated: number; companyId: number; requester: (typeof contactRows)[number] | null; comments: number }[] = [];
  for (let i = from; i < from + n; i++) {
    const created = NOW - SPAN + (i / T) * SPAN + rand() * DAY;
    const updated = Math.min(NOW - 60_000, created + -Math.log(1 - rand()) * 3 * DAY + (commentCount[i]! > 0 ? 3_600_000 : 0));
    const age = NOW - updated;
    const active = rand() < (age < 2 * DAY ? 0.7 : age < 14 * DAY ? 0.3 : age < 60 * DAY ? 0.05 : 0.004);
    const status: TTicketStatus = active ? pick(ACTIVE) : 'closed';
    const companyId = weighted(companyRows, companyWeights).id;
    const people = byCompany.get(companyId)!;
    const requester = rand() < 0.03 ? null : skewed(people);
    const source = requester ? weighted(['portal', 'email', 'staff'] as const, [50, 40, 10]) : 'staff';
    const assignee = status === 'open' && rand() < 0.5 ? null : weighted(staffRows, [1, 2]);
    ticketRows.push({
      providerId: admin.providerId,
      number: nextNumber++,
      companyId,
      requesterContactId: requester?.id ?? null,
      subject: skewed(SUBJECTS)(),
      description: message(2 + Math.floor(rand() * 4)),
      priority: weighted(TICKET_PRIORITIES, [30, 55, 15]),
      category: pick(CATEGORIES),
      status,
      source,
      assigneeStaffId: assignee?.id ?? null,
      createdAt: new Date(created),
      updatedAt: new Date(updated),
      firstRespondedAt: commentCount[i]! > 0 ? new Date(Math.min(updated, created + 3_600_000)) : null,
      closedAt: status === 'closed' ? new Date(updated) : null,
    });
    plan.push({ created, updated, companyId, requester, comments: commentCount[i]! });
  }
  await db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let k = 0; k < ticketRows.length; k += ROWS_PER_INSERT.tickets) {
      const rows = await tx.insert(tickets).values(ticketRows.slice(k, k + ROWS_PER_INSERT.tickets)).returning({ id: tickets.id });
      ids.push(...rows.map((r) => r.id));
    }
    const commentRows: (typeof ticketComments.$inferInsert)[] = [];
    const watcherRows: (typeof ticketWatchers.$inferInsert)[] = [];
    plan.forEach((p, j) => {
      const ticketId = ids[j]!;
      for (let c = 0; c < p.comments; c++) {
        const at = p.created + ((c + 1) / p.comments) * (p.updated - p.created);
        const client = p.requester && rand() < 0.45;
        const staff = client ? null : pick(staffRows);
        commentRows.push({
          ticketId,
          authorUserId: client ? p.requester!.userId : staff!.userId,
          authorName: client ? p.requester!.name : staff!.name,
          authorSide: client ? 'client' : 'staff',
          body: message(1 + Math.floor(rand() * 3)),
          internal: !client && rand() < 0.2,
          source: client ? (rand() < 0.5 ? 'email' : 'portal') : 'staff',
          createdAt: new Date(at),
          flags: [],
        });
      }
      const others = byCompany.get(p.companyId)!.filter((k) => k.id !== p.requester?.id);
      if (others.length && rand() < 0.03) watcherRows.push({ ticketId, contactId: pick(others).id, createdAt: new Date(p.created) });
    });
    for (let k = 0; k < commentRows.length; k += ROWS_PER_INSERT.comments) {
      await tx.insert(ticketComments).values(commentRows.slice(k, k + ROWS_PER_INSERT.comments));
    }
    if (watcherRows.length) await tx.insert(ticketWatchers).values(watcherRows);
    commentsDone += commentRows.length;
    watchersDone += watcherRows.length;
  });
  if (process.stderr.isTTY) process.stderr.write(`\r${from + n}/${T} tickets, ${commentsDone} comments`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
await db.update(providers).set({ nextTicketNumber: nextNumber }).where(eq(providers.id, admin.providerId));
const loadedMs = nowMs() - loadStart;
const analyzeStart = nowMs();
if (ENGINE === 'pg') await rawExecOnWriter(db, 'vacuum analyze');
else await analyzeDatabase(db);
const analyzedMs = nowMs() - analyzeStart;

const size = async () => {
  if (ENGINE === 'pg') return Number((await rawRows<{ n: string }>(db, 'select pg_database_size(current_database()) as n'))[0]!.n);
  const file = (suffix: string) => {
    try {
      return statSync(settings.DATABASE_PATH + suffix).size;
    } catch {
      return 0;
    }
  };
  return file('') + file('-wal');
};
const totals = {
  tickets: (await db.select({ n: count() }).from(tickets))[0]!.n,
  comments: (await db.select({ n: count() }).from(ticketComments))[0]!.n,
};
const active = (await db.select({ n: count() }).from(tickets).where(sql`${tickets.status} <> 'closed'`))[0]!.n;
console.log(
  `database ${database.label}: ${totals.tickets} tickets (${active} not closed), ${totals.comments} comments, ${watchersDone} watchers, ${companyRows.length} companies, ${contactRows.length} contacts; ` +
    `loaded in ${Math.round(loadedMs / 1000)} s (${Math.round((T + C) / (loadedMs / 1000))} rows/s with the search index), ${ENGINE === 'pg' ? 'VACUUM ANALYZE' : 'ANALYZE'} ${Math.round(analyzedMs / 1000)} s, ${Math.round((await size()) / 2 ** 20)} MB`,
);

// ---- cases ------------------------------------------------------------------------------------

const contactCtx = async (companyIndex: number, primary: boolean) => {
  const company = companyRows[companyIndex]!;
  const people = byCompany.get(company.id)!;
  const who = primary
    ? (await db.select().from(contacts).where(eq(contacts.companyId, company.id))).find((k) => k.types.includes('primary'))!
    : (await db.select().from(contacts).where(eq(contacts.id, people[0]!.id)))[0]!;
  const user = (await db.select().from(users).where(eq(users.id, who.userId!)))[0]!;
  return withActor(base, (await actorForAccount(db, user, { kind: 'contact', id: who.id }))!);
};
// The largest customer's Primary contact sees the most; its busiest Standard contact raised the most.
const asPrimary = await contactCtx(0, true);
const asStandard = await contactCtx(0, false);

type TQueryText = { sql: string; params: unknown[] };
type TCase = { name: string; kind: 'search' | 'list'; run: () => Promise<TTicketPage>; explain: () => Promise<TQueryText[]> };
const cases: TCase[] = [];
const contactCase = (name: string, kind: TCase['kind'], ctx: ServiceContext, input: TListTicketsInput) =>
  cases.push({
    name,
    kind,
    run: () => listTickets(ctx, input),
    explain: async () => {
      const q = ZListTicketsInput.parse(input);
      const actor = ctx.actor as TContactActor;
      return ((await ticketPageQueries(db, listWalks(actor, q), q, { text: q.search, includeInternal: false })) ?? []).map((x) => x.toSQL());
    },
  });
const staffCase = (name: string, kind: TCase['kind'], ctx: ServiceContext, input: TTicketFeedInput) =>
  cases.push({
    name,
    kind,
    run: () => ticketFeed(ctx, input),
    explain: async () => {
      const q = ZTicketFeedInput.parse(input);
      return ((await ticketPageQueries(db, feedWalks(ctx.actor as TStaffActor, q), q, { text: q.search, includeInternal: true })) ?? []).map((x) => x.toSQL());
    },
  });

// Searches: common words, a 3-word phrase of common words, a prefix, words of known rarity, and no hit.
const SEARCHES = ['password', 'printer offline', 'outlook keeps crashing', 'reboo', 'plotter toner cartridge', 'kerberos', 'zyxel', 'zyxel firmware', 'xylophone'];
for (const search of SEARCHES) {
  contactCase(`search contact "${search}"`, 'search', asPrimary, { scope: 'company', status: 'all', search, limit: 25 });
  staffCase(`search staff "${search}"`, 'search', asAdmin, { status: 'all', search, limit: 50 });
}
// The list's default view (not closed) and all tickets, as the UI pages them (25 for contacts, 50 for staff).
/** The cursor of page `page` (1-based), reached by paging from the first. */
async function cursorOf(run: (cursor?: string) => Promise<TTicketPage>, page: number): Promise<{ cursor: string; page: number }> {
  let cursor: string | undefined;
  let at = 1;
  for (; at < page; at++) {
    const next = (await run(cursor)).nextCursor;
    if (!next) break;
    cursor = next;
  }
  return { cursor: cursor!, page: at };
}
const listCases: [string, ServiceContext, 'contact' | 'staff', Record<string, unknown>, number][] = [
  ['contact primary company active', asPrimary, 'contact', { scope: 'company', status: 'active', limit: 25 }, 8],
  ['contact primary company all', asPrimary, 'contact', { scope: 'company', status: 'all', limit: 25 }, 200],
  ['contact standard mine active', asStandard, 'contact', { scope: 'mine', status: 'active', limit: 25 }, 4],
  ['contact standard mine all', asStandard, 'contact', { scope: 'mine', status: 'all', limit: 25 }, 50],
  ['staff feed active', asAdmin, 'staff', { status: 'active', limit: 50 }, 10],
  ['staff feed all', asAdmin, 'staff', { status: 'all', limit: 50 }, 200],
  ['staff feed mine active', asTech, 'staff', { assignee: 'mine', status: 'active', limit: 50 }, 4],
  ['staff feed company active', asTech, 'staff', { companyId: companyRows[1]!.id, status: 'active', limit: 50 }, 4],
];
for (const [name, ctx, who, input, later] of listCases) {
  const add = who === 'contact' ? contactCase : staffCase;
  const run = (cursor?: string) => (who === 'contact' ? listTickets(ctx, { ...input, cursor }) : ticketFeed(ctx, { ...input, cursor }));
  add(`list ${name} p1`, 'list', ctx, input);
  const deep = await cursorOf(run, later);
  if (deep.page > 1) add(`list ${name} p${deep.page}`, 'list', ctx, { ...input, cursor: deep.cursor });
}

// How many tickets each search finds (staff: internal notes included).
const hits = new Map<string, number>();
for (const search of SEARCHES) {
  const [row] =
    ENGINE === 'pg'
      ? await rawRows<{ n: string }>(db, `select count(distinct ticket_id) as n from ticket_search where words @@ to_tsquery('portico_search', $1)`, [toTsQuery(search)])
      : await rawRows<{ n: number }>(db, 'select count(distinct rowid >> 32) as n from ticket_search where ticket_search match ?', [toFtsQuery(search)]);
  hits.set(search, Number(row!.n));
}
console.log(`tickets found (staff): ${SEARCHES.map((s) => `"${s}" ${hits.get(s)}`).join(', ')}`);

if (arg.explain) {
  for (const c of cases) {
    for (const q of await c.explain()) {
      const plan = ENGINE === 'pg' ? await rawRows<Record<string, string>>(db, `explain (analyze, buffers) ${q.sql}`, q.params) : await rawRows<{ detail: string }>(db, `explain query plan ${q.sql}`, q.params);
      console.log(`--- ${c.name}\n${plan.map((r) => ('detail' in r ? `  ${r.detail}` : `  ${Object.values(r)[0]}`)).join('\n')}`);
    }
  }
}

// ---- run --------------------------------------------------------------------------------------

const samples = cases.map(() => [] as number[]);
const rows = cases.map(() => 0);
const order = cases.map((_, i) => i);
for (let round = -WARMUP; round < ROUNDS; round++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const i of order) {
    const t0 = nowMs();
    const page = await cases[i]!.run();
    const took = nowMs() - t0;
    if (round >= 0) samples[i]!.push(took);
    rows[i] = page.items.length;
  }
}

const results = cases.map((c, i) => {
  const s = Float64Array.from(samples[i]!).sort();
  return { c, rows: rows[i]!, p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), max: s[s.length - 1]! };
});
console.log(`${ROUNDS} rounds (+${WARMUP} warm-up), every case once a round in a random order; ms per call of the service`);
const width = Math.max(...cases.map((c) => c.name.length));
console.log(`${'case'.padEnd(width)}  rows     p50     p95     p99     max`);
for (const r of results) {
  console.log(`${r.c.name.padEnd(width)}  ${String(r.rows).padStart(4)} ${[r.p50, r.p95, r.p99, r.max].map((v) => ms(v).toFixed(2).padStart(7)).join(' ')}`);
}
const worst = (kind: TCase['kind']) => results.filter((r) => r.c.kind === kind).reduce((a, b) => (b.p99 > a.p99 ? b : a));
const search = worst('search');
const list = worst('list');
console.log(`worst p99: search ${ms(search.p99)} ms (${search.c.name}), list ${ms(list.p99)} ms (${list.c.name})`);

await closeDatabase(db);
if (arg.keep) console.log(`kept: ${database.env.DATABASE_URL ?? settings.DATABASE_PATH}`);
else {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ tickets: T, comments: C, search_p99_ms: ms(search.p99), list_p99_ms: ms(list.p99) }));
