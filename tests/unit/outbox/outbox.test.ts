import { eq, inArray } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { outbox } from '../../../db/schema/outbox';
import { backoffMs, CLAIM_MS, startOutboxWorker } from '../../../mail/outbound/deliver-outbox';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { enqueueEmail } from '../../../server/outbox/enqueue-email';
import { freshContext } from '../../helpers/fresh-context';

let cleanup: () => Promise<void> | void = () => {};
afterEach(() => cleanup());

async function setup() {
  const f = await freshContext();
  cleanup = f.cleanup;
  const id = await unitOfWork(f.ctx, async (tx, emit) =>
    await enqueueEmail(tx, emit, f.ctx.clock.now(), { providerId: null, to: 'pat@acme.test', from: 'Portico <no-reply@portico.test>', subject: 'Hello', text: 'Body' }),
  );
  const row = async () => (await f.ctx.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
  return { ...f, row };
}

describe('outbox delivery', () => {
  it('sends through the transport and marks the row sent', async () => {
    const { ctx, row } = await setup();
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport });
    await worker.drain();
    await worker.stop();
    expect((await row()).status).toBe('sent');
    expect((await row()).attempts).toBe(1);
  });

  it('keeps a failed message pending and retries it later with backoff', async () => {
    const { ctx, clock, row } = await setup();
    const transport = nodemailer.createTransport({ jsonTransport: true });
    transport.sendMail = (() => Promise.reject(new Error('relay down'))) as never;
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport });
    await worker.drain();
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'relay down' });
    expect((await row()).nextAttemptAt.getTime()).toBe(clock.now().getTime() + backoffMs(1));
    await worker.drain(); // not due yet: no second attempt
    expect((await row()).attempts).toBe(1);
    await worker.stop();
  });

  it('holds mail in the outbox when no relay is configured', async () => {
    const { ctx, row } = await setup();
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined });
    expect(await worker.drain()).toBe(0);
    await worker.stop();
    expect(await row()).toMatchObject({ status: 'pending', attempts: 0 });
  });

  /** Waits (up to 10 s) until `check` holds. */
  async function until(check: () => Promise<boolean>) {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await check()).toBe(true);
  }

  /** A transport that records what it sends, slowly enough for workers to overlap. */
  const recorder = (sent: string[]) =>
    ({
      sendMail: async (m: { subject: string }) => {
        await new Promise((r) => setTimeout(r, 1));
        sent.push(m.subject);
        return {};
      },
      close() {},
    }) as unknown as Transporter;

  it('sends each due message once with three workers on one database, as on three nodes', async () => {
    const f = await freshContext();
    const extra = ENGINE === 'pg' ? [await openDatabase(f.ctx.settings), await openDatabase(f.ctx.settings)] : [];
    cleanup = async () => {
      for (const db of extra) await closeDatabase(db);
      await f.cleanup();
    };
    const { ctx } = f;
    await unitOfWork(ctx, async (tx, emit) => {
      for (let i = 0; i < 1000; i++) {
        await enqueueEmail(tx, emit, ctx.clock.now(), { providerId: null, to: `p${i}@acme.test`, from: 'Portico <no-reply@portico.test>', subject: `Message ${i}`, text: 'Body' });
      }
    });
    // PostgreSQL: three pools, as three processes have; SQLite: one process, three workers.
    const dbs = ENGINE === 'pg' ? [ctx.db, ...extra] : [ctx.db, ctx.db, ctx.db];
    const sent = dbs.map(() => [] as string[]);
    const workers = dbs.map((db, i) => startOutboxWorker({ db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport: recorder(sent[i]!) }));
    await Promise.all(workers.map(async (w) => await w.drain()));
    for (const w of workers) await w.stop();
    const all = sent.flat();
    expect(all).toHaveLength(1000);
    expect(new Set(all).size).toBe(1000);
    expect(sent.filter((s) => s.length > 0).length, 'the workers shared the work').toBeGreaterThan(1);
    expect((await ctx.db.select().from(outbox).where(eq(outbox.status, 'sent'))).length).toBe(1000);
  });

  it('leaves a message a stopped node had claimed to the next, and retries one whose node died after the claim ran out', async () => {
    const { ctx, clock, row } = await setup();
    // A node that hangs in the middle of sending (as one that died would never finish).
    let finish: () => void = () => {};
    const hanging = { sendMail: () => new Promise<void>((r) => (finish = r)), close() {} } as unknown as Transporter;
    const dying = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport: hanging });
    await until(async () => (await row()).nextAttemptAt.getTime() === clock.now().getTime() + CLAIM_MS);
    const sent: string[] = [];
    const other = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport: recorder(sent) });
    expect(await other.drain()).toBe(0); // claimed by the first: not sent twice
    clock.advance(CLAIM_MS);
    expect(await other.drain()).toBe(1);
    expect(sent).toEqual(['Hello']);
    expect((await row()).status).toBe('sent');
    finish();
    await dying.stop();
    await other.stop();

    // A node stopping mid-batch hands back what it had claimed but not sent.
    const more = await unitOfWork(ctx, async (tx, emit) => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(await enqueueEmail(tx, emit, clock.now(), { providerId: null, to: `q${i}@acme.test`, from: 'Portico <no-reply@portico.test>', subject: `Later ${i}`, text: 'Body' }));
      return ids;
    });
    let release: () => void = () => {};
    const slow = { sendMail: () => new Promise<void>((r) => (release = r)), close() {} } as unknown as Transporter;
    const stopping = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport: slow });
    await until(async () => (await ctx.db.select().from(outbox).where(inArray(outbox.id, more))).every((r) => r.nextAttemptAt.getTime() > clock.now().getTime()));
    const stopped = stopping.stop();
    release();
    await stopped;
    const rows = await ctx.db.select().from(outbox).where(inArray(outbox.id, more));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    for (const r of rows.filter((x) => x.status === 'pending')) expect(r.nextAttemptAt.getTime()).toBe(clock.now().getTime());
  });
});
