import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { events, type TEventRow } from '../../../db/schema/events';
import { contacts } from '../../../db/schema/people';
import { sessionTopic } from '../../../server/auth/topics';
import type { ServiceContext } from '../../../server/core/context';
import { ATTACH, followEvents, isPushSource, type TEventSink } from '../../../server/core/event-stream';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { followTicketThread } from '../../../server/tickets/ticket-streams';
import { ticketTopic } from '../../../server/tickets/topics';
import { addWatcher, removeWatcher } from '../../../server/tickets/watchers';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * The push side of the event streams (what the lean WebSocket adapter attaches to):
 * replay first, then live, each event once and in order, filtered per subscriber, one
 * mapped value per event shared by all subscribers, and end/fail/detach.
 */
let base: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const as = async (email: string) => await asDemoUser(base, email);
const contactId = async (email: string) => (await base.db.select().from(contacts).where(eq(contacts.email, email)))[0]!.id;
const lastEventId = async () => (await base.db.select().from(events)).at(-1)!.id;

class RecordingSink<T> implements TEventSink<T> {
  readonly pushed: T[] = [];
  ended = 0;
  failed: unknown[] = [];
  push(value: T) {
    this.pushed.push(value);
  }
  end() {
    this.ended++;
  }
  fail(err: unknown) {
    this.failed.push(err);
  }
}

type TBody = { id: number; body: string };
const toBody = (e: TEventRow): TBody => ({ id: e.id, body: (e.payload.comment as { body: string }).body });
const bodies = (s: RecordingSink<TBody>) => s.pushed.map((v) => v.body);

describe('an attached event stream', () => {
  it('replays what came after lastEventId, then follows live events; each event once, its mapped value shared', async () => {
    const primary = await as('primary@acme-dental.test');
    const t = await createTicket(primary, { subject: 'Push mode', description: 'Replay then live.' });
    await addReply(primary, { ticketId: t.id, body: 'one' });
    const afterOne = await lastEventId();
    await addReply(primary, { ticketId: t.id, body: 'two' });

    const a = new RecordingSink<TBody>();
    const b = new RecordingSink<TBody>();
    const streamA = await followTicketThread(primary, t.id, { lastEventId: afterOne }, toBody);
    const streamB = await followTicketThread(primary, t.id, {}, toBody);
    expect(isPushSource(streamA)).toBe(true);
    streamA[ATTACH](a);
    streamB[ATTACH](b);
    // The replay is read from the log, before any live event.
    await expect.poll(() => bodies(a)).toEqual(['two']);
    expect(bodies(b)).toEqual([]);

    await addReply(primary, { ticketId: t.id, body: 'three' });
    expect(bodies(a)).toEqual(['two', 'three']);
    expect(bodies(b)).toEqual(['three']);
    // One value per event for every subscriber with the same map: a transport serialises it once.
    expect(a.pushed[1]).toBe(b.pushed[0]);

    void streamA.return();
    await addReply(primary, { ticketId: t.id, body: 'four' });
    expect(bodies(a)).toEqual(['two', 'three']);
    expect(bodies(b)).toEqual(['three', 'four']);
    const ids = b.pushed.map((v) => v.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(() => streamB[ATTACH](new RecordingSink())).toThrow('already started');
    void streamB.return();
    expect(a.ended + b.ended).toBe(0);
  });

  it('gives a contact no internal note, and ends at an event on the stop topic', async () => {
    const primary = await as('primary@acme-dental.test');
    const tech = await as('tech@demo-msp.test');
    const t = await createTicket(primary, { subject: 'Notes stay inside', description: 'x' });
    const stopTopic = sessionTopic('push-test-session');
    const contactSink = new RecordingSink<TBody>();
    const staffSink = new RecordingSink<TBody>();
    (await followTicketThread(primary, t.id, { stopTopic }, toBody))[ATTACH](contactSink);
    (await followTicketThread(tech, t.id, { stopTopic }, toBody))[ATTACH](staffSink);

    await addReply(tech, { ticketId: t.id, body: 'Kumquat: internal only.', internal: true });
    await addReply(tech, { ticketId: t.id, body: 'A public answer.' });
    expect(bodies(contactSink)).toEqual(['A public answer.']);
    expect(bodies(staffSink)).toEqual(['Kumquat: internal only.', 'A public answer.']);

    base.bus.publish([{ id: await lastEventId() + 1, topic: stopTopic, kind: 'session.ended', payload: {}, createdAt: new Date() }]);
    expect([contactSink.ended, staffSink.ended]).toEqual([1, 1]);
    await addReply(tech, { ticketId: t.id, body: 'After the end.' });
    expect(bodies(contactSink)).toEqual(['A public answer.']);
    expect(base.bus.listenerCount(ticketTopic(t.id))).toBe(0);
  });

  it('ends when the subscriber loses sight of the ticket (a Standard contact no longer watching)', async () => {
    const billing = await as('billing@acme-dental.test');
    const tech = await as('tech@demo-msp.test');
    const t = await createTicket(billing, { subject: 'Watched for a while', description: 'x' });
    await addWatcher(tech, { ticketId: t.id, contactId: await contactId('standard@acme-dental.test') });
    const sink = new RecordingSink<TEventRow>();
    (await followTicketThread(await as('standard@acme-dental.test'), t.id, {}))[ATTACH](sink);
    await addReply(tech, { ticketId: t.id, body: 'Seen by the watcher.' });
    await removeWatcher(tech, { ticketId: t.id, contactId: await contactId('standard@acme-dental.test') });
    await addReply(tech, { ticketId: t.id, body: 'Not for the former watcher.' });
    expect(sink.pushed.map((e) => e.kind)).toEqual(['comment.added']);
    expect(sink.ended).toBe(1);
  });

  it('fails the sink when its filter throws, and lets go of the bus', async () => {
    const topic = 'push-test:failing';
    const sink = new RecordingSink<TEventRow>();
    followEvents(base, {
      topics: [topic],
      keep: () => {
        throw new Error('filter broke');
      },
    })[ATTACH](sink);
    base.bus.publish([{ id: await lastEventId() + 1, topic, kind: 'x', payload: {}, createdAt: new Date() }]);
    expect(sink.failed.map((e) => (e as Error).message)).toEqual(['filter broke']);
    expect(sink.pushed).toEqual([]);
    expect(base.bus.listenerCount(topic)).toBe(0);
  });
});
