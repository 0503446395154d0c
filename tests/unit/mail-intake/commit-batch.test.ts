import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, type TEventRow } from '../../../db/schema/events';
import { inboundMessages, type TInboundMessage } from '../../../db/schema/inbound-mail';
import type { ServiceContext } from '../../../server/core/context';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { commitPrepared, type TPreparedInbound } from '../../../server/mail-intake/commit-inbound';
import { inboundTopic } from '../../../server/mail-intake/topics';
import { freshContext } from '../../helpers/fresh-context';
import { mapInOrder } from '../../../server/core/in-order';

/*
 * Intake commits the messages prepared meanwhile in one transaction, each in a savepoint of
 * its own: one message's failure must not undo the others, and only what committed is
 * published, after the commit.
 */

let ctx: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  const f = await freshContext();
  ctx = f.ctx;
  cleanup = f.cleanup;
});
afterAll(() => cleanup());

let seq = 0;
async function pendingRow(): Promise<TInboundMessage> {
  const n = ++seq;
  return (await ctx.db
    .insert(inboundMessages)
    .values({ messageId: `batch-${n}@client.test`, contentHash: String(n).padStart(64, '0'), rawPath: 'mail/none.spool', rawOffset: 0, size: 1, envelopeFrom: null, envelopeTo: [], receivedAt: ctx.clock.now() })
    .returning())[0]!;
}

/** A prepared message whose work emits one event on `topic`, then fails when asked to. */
function prepared(row: TInboundMessage, topic: string, fail = false): TPreparedInbound {
  return {
    row,
    mail: null,
    files: [],
    work: async (c) => {
      await unitOfWork(c, (_tx, emit) => emit(topic, 'test.done', { id: row.id }));
      if (fail) throw new Error('boom');
      return { status: 'processed', flags: [], matchedBy: 'token' };
    },
  };
}

function listen(topics: string[]): TEventRow[] {
  const heard: TEventRow[] = [];
  for (const t of topics) ctx.bus.on(t, (e) => heard.push(e));
  return heard;
}

const statusOf = async (id: number) => (await ctx.db.select().from(inboundMessages).where(eq(inboundMessages.id, id)))[0]!;

describe('committing prepared messages together', () => {
  it('a failing message is rolled back alone and listed as failed; the others commit and only their events go out', async () => {
    const rows = [await pendingRow(), await pendingRow(), await pendingRow()];
    const heard = listen(['batch:1', 'batch:2', 'batch:3', inboundTopic(null)]);
    await commitPrepared(ctx, [prepared(rows[0]!, 'batch:1'), prepared(rows[1]!, 'batch:2', true), prepared(rows[2]!, 'batch:3')]);

    expect(await mapInOrder(rows, async (r) => (await statusOf(r.id))!.status)).toEqual(['processed', 'failed', 'processed']);
    expect(await statusOf(rows[1]!.id)).toMatchObject({ error: 'Processing failed.', matchedBy: null });
    expect(heard.map((e) => [e.topic, e.kind])).toEqual([
      ['batch:1', 'test.done'],
      [inboundTopic(null), 'inbound.changed'],
      ['batch:3', 'test.done'],
    ]);
    // The failed work's event was rolled back with it, in the log too.
    expect((await ctx.db.select().from(events).where(eq(events.topic, 'batch:2')))).toEqual([]);
    // Published rows are the logged rows.
    const logged = (await ctx.db.select().from(events).where(eq(events.topic, 'batch:1')))[0]!;
    expect(heard[0]).toEqual(logged);
  });

  it('processes a message once: committing it again changes and publishes nothing', async () => {
    const row = await pendingRow();
    await commitPrepared(ctx, [prepared(row, 'again:1')]);
    const heard = listen(['again:1', inboundTopic(null)]);
    await commitPrepared(ctx, [prepared(row, 'again:1'), prepared(row, 'again:1', true)]);
    expect(heard).toEqual([]);
    expect((await statusOf(row.id)).status).toBe('processed');
    expect((await ctx.db.select().from(events).where(eq(events.topic, 'again:1')))).toHaveLength(1);
  });
});
