import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/outbox';
import { backoffMs, startOutboxWorker } from '../../../mail/outbound/deliver-outbox';
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
});
