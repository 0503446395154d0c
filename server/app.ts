import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { closeDatabase, engineOf, openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { isDatabaseEmpty, seedDemo, type TDemoSignIn } from './seed/demo-people';
import { seedDemoAreas } from './seed/demo-areas';
import { startOutboxWorker, type TOutboxWorker } from '../mail/outbound/deliver-outbox';
import { createSmtpListener } from '../mail/smtp-listener';
import { smtpTlsMode } from '../mail/smtp-tls';
import type { Clock } from './core/clock';
import type { ServiceContext } from './core/context';
import { APP_ROOT } from './core/app-root';
import { createServiceContext } from './core/create-service-context';
import { startEventRelay, type TRunningRelay } from './core/event-relay';
import { createLogger } from './core/logger';
import { createWebServer, type TWebServer } from './http/create-http-server';
import { expireSessions } from './auth/expire-sessions';
import { sweepSignInState } from './auth/sign-in-state';
import { sweepRateLimits } from './core/rate-limiter';
import { PRESENCE_TTL_MS } from './tickets/presence';
import { sweepPresence } from './tickets/presence-shared';
import { runRecurringBilling } from './payments/billing-run';
import { startTicketNotifier, type TTicketNotifier } from './notifications/ticket-notifier';
import { cleanupUnclaimedAttachments } from './attachments/cleanup-attachments';
import { bounceAddress } from './mail-intake/addresses';
import { LOOP_HEADER } from './mail-intake/classify';
import { startMailIntake, type TMailIntake } from './mail-intake/intake-worker';
import type { TDnsResolver } from './mail-intake/mail-dns';
import type { TSettings } from './settings';

export const CLIENT_ROOT = join(APP_ROOT, 'dist/client');

export interface TPortico {
  url: string;
  smtpPort: number;
  base: ServiceContext;
  web: TWebServer;
  outbox: TOutboxWorker;
  notifier: TTicketNotifier;
  intake: TMailIntake;
  /** PostgreSQL: the LISTEN connection and the relay that publishes every process's events here. */
  relay: TRunningRelay | null;
  demoSignIns: TDemoSignIn[] | null;
  stop(): Promise<void>;
}

/**
 * Composition root: settings → database → bus → HTTP/WebSocket + SMTP + outbox worker.
 * `npm start`, `npm run dev`, the integration tests and the benchmarks all start here.
 */
export async function startPortico(
  settings: TSettings,
  opts: { clock?: Clock; log?: Logger; dev?: Parameters<typeof createWebServer>[0]['dev']; dnsResolver?: TDnsResolver } = {},
): Promise<TPortico> {
  const log = opts.log ?? createLogger(settings.LOG_LEVEL);
  const db = await openDatabase(settings);
  const base = createServiceContext({ db, settings, clock: opts.clock, log });

  let demoSignIns: TDemoSignIn[] | null = null;
  // Nodes starting together on one PostgreSQL database migrate and seed once (under a lock).
  await migrateDatabase(db, async () => {
    if (!settings.SEED_DEMO || !(await isDatabaseEmpty(base))) return;
    demoSignIns = await seedDemo(base);
    // Tests seed the company areas they need themselves, so their data stays predictable.
    if (settings.NODE_ENV !== 'test') await seedDemoAreas(base);
  });

  // Before anything serves subscribers: from here on, events of every process reach this bus.
  const relay = engineOf(db) === 'pg' ? await startEventRelay({ db, bus: base.bus, url: settings.DATABASE_URL!, log }) : null;

  // With no PUBLIC_URL the portal's origin is whatever port it got (tests use port 0).
  const origins: string[] = [];
  const web = createWebServer({ base, log, clientRoot: CLIENT_ROOT, allowedOrigins: () => origins, dev: opts.dev, relay });
  await new Promise<void>((resolve, reject) => {
    web.server.once('error', reject);
    web.server.listen(settings.PORT, settings.HOST, () => resolve());
  });
  const port = (web.server.address() as AddressInfo).port;
  if (settings.PUBLIC_URL) origins.push(new URL(settings.PUBLIC_URL).origin);
  else {
    settings.publicUrl = `http://localhost:${port}`;
    origins.push(settings.publicUrl, `http://127.0.0.1:${port}`);
  }

  // Mail intake first processes what was accepted before the last stop, then follows the listener.
  const intake = await startMailIntake(base, { resolver: opts.dnsResolver });
  // Tests start many short-lived servers; they let the parsing thread start with the first message.
  // Elsewhere it starts a little after start-up, so loading it does not slow the first pages.
  const warmUp = settings.NODE_ENV !== 'test' ? setTimeout(() => void intake.warmUp(), 10_000).unref() : null;
  const smtp = createSmtpListener({
    log,
    maxSize: Math.floor(settings.MAIL_MAX_MB * 1024 * 1024),
    tls: smtpTlsMode(settings, log),
    intake,
    limits: { maxPerIp: settings.SMTP_MAX_PER_IP, phaseMs: settings.SMTP_PHASE_SECONDS * 1000 },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(settings.SMTP_PORT, settings.SMTP_HOST, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const outbox = startOutboxWorker({
    db,
    bus: base.bus,
    clock: base.clock,
    log,
    relayUrl: settings.SMTP_RELAY_URL,
    bounceAddress: (id) => bounceAddress(settings, id),
    loopHeader: { name: LOOP_HEADER, value: settings.MAIL_DOMAIN },
  });
  const notifier = await startTicketNotifier(base);
  // Every node sweeps: each expired row is deleted (and each session ended) by one of them only.
  const sweepSessions = async () => {
    try {
      await expireSessions(base);
      await sweepSignInState(base);
      await sweepRateLimits(base.db, base.clock.now());
      await sweepPresence(base.db, base.clock.now(), PRESENCE_TTL_MS);
    } catch (err) {
      log.error({ err }, 'session sweep failed');
    }
  };
  const sweeper = setInterval(() => void sweepSessions(), 30_000);
  sweeper.unref();
  const sweepAttachments = async () => {
    try {
      await cleanupUnclaimedAttachments(base);
    } catch (err) {
      log.error({ err }, 'attachment cleanup failed');
    }
  };
  await sweepAttachments();
  const attachmentSweeper = setInterval(() => void sweepAttachments(), 3600_000);
  attachmentSweeper.unref();

  // Recurring invoices and their auto-pay charges: once at start (catches up after downtime),
  // then hourly; runs never overlap, and re-runs never bill or charge twice.
  let billing: Promise<void> | null = null;
  const billRecurring = () =>
    (billing ??= runRecurringBilling(base)
      .then((r) => {
        if (r.issued || r.autopay.charged || r.autopay.failed || r.autopay.abandoned) log.info(r, 'recurring billing run');
      })
      .catch((err: unknown) => log.error({ err }, 'recurring invoice run failed'))
      .finally(() => {
        billing = null;
      }));
  void billRecurring();
  const recurringBiller = setInterval(() => void billRecurring(), 3600_000);
  recurringBiller.unref();

  // Graceful stop (SIGTERM, SIGINT, and every test's teardown): each part stops taking new
  // work and finishes what it has, all within SHUTDOWN_TIMEOUT_MS, then what is left is cut.
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const deadline = Date.now() + settings.SHUTDOWN_TIMEOUT_MS;
      const untilDeadline = (p: Promise<unknown>) =>
        Promise.race([p, new Promise<void>((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
      clearInterval(sweeper);
      if (warmUp) clearTimeout(warmUp);
      clearInterval(recurringBiller);
      clearInterval(attachmentSweeper);
      // Clients open a socket elsewhere (another node, or this one's successor) and resume
      // after their last event id; this node stops listening at once, so they cannot come back.
      web.broadcastReconnect();
      await Promise.all([web.drain(deadline), smtp.drain(deadline), untilDeadline(billing ?? Promise.resolve())]);
      // Accepted mail is processed (or left in the spool for the next start), queued work handed back.
      await untilDeadline(intake.stop());
      await notifier.stop();
      await outbox.stop();
      await relay?.stop();
      for (const client of web.wss.clients) client.close(1012, 'Server restarting');
      if (web.server.listening) web.server.close();
      web.server.closeAllConnections();
      // A client that does not answer the close frame is cut at the deadline.
      await untilDeadline(web.closed);
      for (const client of web.wss.clients) client.terminate();
      await web.closed;
      await closeDatabase(db);
    })());

  return { url: `http://127.0.0.1:${port}`, smtpPort, base, web, outbox, notifier, intake, relay, demoSignIns, stop };
}
