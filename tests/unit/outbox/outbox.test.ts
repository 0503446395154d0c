import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/outbox';
import { backoffMs, startOutboxWorker } from '../../../mail/outbound/deliver-outbox';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { enqueueEmail } from '../../../server/outbox/enqueue-email';
import { freshContext } from '../../helpers/fresh-context';

let cleanup: () => void = () => {};
afterEach(() => cleanup());

function setup() {
  const f = freshContext();
  cleanup = f.cleanup;
  const id = unitOfWork(f.ctx, (tx, emit) =>
    enqueueEmail(tx, emit, f.ctx.clock.now(), { providerId: null, to: 'pat@acme.test', from: 'Portico <no-reply@portico.test>', subject: 'Hello', text: 'Body' }),
  );
  const row = () => f.ctx.db.select().from(outbox).where(eq(outbox.id, id)).get()!;
  return { ...f, row };
}

describe('outbox delivery', () => {
  it('sends through the transport and marks the row sent', async () => {
    const { ctx, row } = setup();
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport });
    await worker.drain();
    await worker.stop();
    expect(row().status).toBe('sent');
    expect(row().attempts).toBe(1);
  });

  it('keeps a failed message pending and retries it later with backoff', async () => {
    const { ctx, clock, row } = setup();
    const transport = nodemailer.createTransport({ jsonTransport: true });
    transport.sendMail = (() => Promise.reject(new Error('relay down'))) as never;
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined, transport });
    await worker.drain();
    expect(row()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'relay down' });
    expect(row().nextAttemptAt.getTime()).toBe(clock.now().getTime() + backoffMs(1));
    await worker.drain(); // not due yet: no second attempt
    expect(row().attempts).toBe(1);
    await worker.stop();
  });

  it('holds mail in the outbox when no relay is configured', async () => {
    const { ctx, row } = setup();
    const worker = startOutboxWorker({ db: ctx.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log, relayUrl: undefined });
    expect(await worker.drain()).toBe(0);
    await worker.stop();
    expect(row()).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
