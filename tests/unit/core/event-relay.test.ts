import { describe, expect, it } from 'vitest';
import type { TEventRow } from '../../../db/schema/events';
import { EventRelay } from '../../../server/core/event-relay';
import { EventBus } from '../../../server/core/events';
import { createLogger } from '../../../server/core/logger';

/*
 * The relay that publishes committed events on PostgreSQL (every node's, this one's
 * included), over a table kept in memory: each event reaches the bus once, in id order,
 * whether it came by this process's commit, a notification or a catch-up read, and the
 * table is read only when something may be missing.
 */

const row = (id: number): TEventRow => ({ id, topic: 't', kind: 'k', payload: { id }, createdAt: new Date(0) });

function setup(start = 0) {
  const table: TEventRow[] = [];
  const reads: number[] = [];
  // Reads answer when the test lets them, so it can commit while one is under way.
  const pending: (() => void)[] = [];
  let hold = false;
  const readAfter = (after: number) => {
    reads.push(after);
    const answer = () => table.filter((r) => r.id > after).slice(0, 500);
    if (!hold) return Promise.resolve(answer());
    return new Promise<TEventRow[]>((resolve) => pending.push(() => resolve(answer())));
  };
  const bus = new EventBus();
  const seen: number[] = [];
  bus.on('t', (e) => seen.push(e.id));
  const relay = new EventRelay(bus, readAfter, start, createLogger('silent'));
  const commit = (...ids: number[]) => {
    const rows = ids.map(row);
    table.push(...rows);
    return rows;
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    table, reads, seen, relay, commit, settle,
    holdReads: () => (hold = true),
    releaseReads: async () => {
      hold = false;
      while (pending.length) pending.shift()!();
      await settle();
    },
  };
}

describe('EventRelay', () => {
  it('publishes its own commits at once, and does not read the table for their notifications', async () => {
    const t = setup(10);
    t.relay.committed(t.commit(11, 12));
    expect(t.seen).toEqual([11, 12]);
    t.relay.notified(12);
    await t.settle();
    expect(t.reads).toEqual([]);
    expect(t.seen).toEqual([11, 12]);
  });

  it('does not read for its own commit when the notification comes before the commit’s answer', async () => {
    const t = setup(10);
    const rows = t.commit(11, 12);
    t.relay.committing(rows);
    t.relay.notified(12);
    await t.settle();
    expect(t.reads).toEqual([]);
    t.relay.committed(rows);
    expect(t.seen).toEqual([11, 12]);
    // A commit that failed after all: its ids are never notified; nothing is left waiting for them.
    const failed = t.commit(13);
    t.table.pop();
    t.relay.committing(failed);
    t.relay.abandoned(failed);
    t.relay.committed(t.commit(14));
    await t.settle();
    expect(t.seen).toEqual([11, 12, 14]);
  });

  it('reads what another node committed when notified, once, even when notified twice', async () => {
    const t = setup(10);
    t.commit(11, 12); // another node's
    t.relay.notified(12);
    t.relay.notified(12);
    await t.settle();
    expect(t.seen).toEqual([11, 12]);
    t.relay.notified(12);
    await t.settle();
    expect(t.seen).toEqual([11, 12]);
  });

  it('keeps id order when its own commit follows one of another node it has not heard of yet', async () => {
    const t = setup(10);
    t.commit(11); // another node's, not yet notified
    t.relay.committed(t.commit(12));
    // 12 may not go out before 11: the table is read.
    expect(t.seen).toEqual([]);
    await t.settle();
    expect(t.seen).toEqual([11, 12]);
    t.relay.notified(11); // its notification, late
    await t.settle();
    expect(t.seen).toEqual([11, 12]);
  });

  it('publishes each event once when its own commits land while a read is under way', async () => {
    const t = setup(10);
    t.holdReads();
    t.commit(11); // another node's
    t.relay.notified(11);
    t.relay.committed(t.commit(12)); // a gap: the read under way will bring it
    t.relay.notified(12);
    await t.releaseReads();
    expect(t.seen).toEqual([11, 12]);
    t.holdReads();
    t.commit(13); // another node's
    t.relay.notified(13);
    // The read started after 12; 13 committed by another node and 14 by this one meanwhile.
    t.relay.committed(t.commit(14));
    await t.releaseReads();
    expect(t.seen).toEqual([11, 12, 13, 14]);
    // Its own commit right after the last published goes out at once; the read then brings it again, and it is dropped.
    t.holdReads();
    t.relay.catchUp();
    t.relay.committed(t.commit(15));
    expect(t.seen).toEqual([11, 12, 13, 14, 15]);
    await t.releaseReads();
    expect(t.seen).toEqual([11, 12, 13, 14, 15]);
  });

  it('catches up in pages after being deaf (a lost LISTEN connection)', async () => {
    const t = setup(0);
    t.commit(...Array.from({ length: 1_203 }, (_, i) => i + 1));
    t.relay.catchUp();
    await t.settle();
    await t.settle();
    expect(t.seen).toHaveLength(1_203);
    expect(t.seen).toEqual([...t.seen].sort((a, b) => a - b));
    expect(t.reads).toEqual([0, 500, 1_000]);
    expect(t.relay.lastPublished()).toBe(1_203);
  });
});
