import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { tickets } from '../../../db/schema/tickets';
import { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { followPresence, PRESENCE_TTL_MS, presenceFor, setPresence, TicketPresence, type TPresenceEntry } from '../../../server/tickets/presence';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

const alex = { staffId: 1, name: 'Alex Admin' };
const taylor = { staffId: 2, name: 'Taylor Tech' };

describe('TicketPresence (injected clock)', () => {
  it('joins, types, heartbeats, expires 30 s after the last heartbeat, and leaves', async () => {
    const clock = new FixedClock(new Date('2026-11-01T09:00:00Z'));
    const p = new TicketPresence(clock);
    let changes = 0;
    const off = p.onChange(7, () => changes++);
    await p.set(7, alex, 'viewing');
    await p.set(7, taylor, 'typing');
    expect(p.list(7)).toEqual([
      { ...alex, state: 'viewing' },
      { ...taylor, state: 'typing' },
    ]);
    expect(changes).toBe(2);
    await p.set(7, alex, 'viewing'); // a heartbeat changes nothing visible
    expect(changes).toBe(2);
    clock.advance(20_000);
    await p.set(7, taylor, 'typing'); // Taylor heartbeats, Alex does not
    clock.advance(PRESENCE_TTL_MS - 20_000 - 1);
    await p.sweep();
    expect(p.list(7).map((e) => e.name)).toEqual(['Alex Admin', 'Taylor Tech']);
    clock.advance(1);
    expect(p.list(7).map((e) => e.name)).toEqual(['Taylor Tech']); // lapsed even before a sweep
    await p.sweep();
    expect(changes).toBe(3);
    await p.set(7, taylor, 'left');
    expect(p.list(7)).toEqual([]);
    expect(changes).toBe(4);
    await p.set(7, taylor, 'left'); // leaving twice is harmless
    expect(changes).toBe(4);
    off();
    await p.set(7, alex, 'viewing');
    expect(changes).toBe(4);
    await p.set(7, alex, 'left');
  });

  it('keeps tickets apart, and leaves when the last subscription of a staff member closes', async () => {
    const p = new TicketPresence(new FixedClock(new Date()));
    await p.set(1, alex, 'viewing');
    await p.set(2, alex, 'typing');
    const tab1 = p.hold(1, alex);
    const tab2 = p.hold(1, alex);
    tab1();
    tab1(); // releasing twice counts once
    expect(p.list(1)).toHaveLength(1);
    tab2();
    expect(p.list(1)).toEqual([]);
    expect(p.list(2)).toEqual([{ ...alex, state: 'typing' }]);
    await p.set(2, alex, 'left');
  });
});

describe('presence services', () => {
  let base: ServiceContext;
  let clock: FixedClock;
  let cleanup: () => Promise<void> | void;
  let ticketId: number;
  beforeAll(async () => {
    ({ ctx: base, clock, cleanup } = await freshContext());
    await seedDemo(base);
    ticketId = (await base.db.select().from(tickets))[0]!.id;
  });
  afterAll(() => cleanup());

  it('is for staff who can see the ticket', async () => {
    await expect(setPresence(await asDemoUser(base, 'primary@acme-dental.test'), { ticketId, state: 'viewing' })).rejects.toThrow('This is for staff only.');
    await expect(setPresence(await asDemoUser(base, 'tech@demo-msp.test'), { ticketId: 999_999, state: 'viewing' })).rejects.toThrow('Ticket not found.');
    await expect(setPresence(await asDemoUser(base, 'tech@demo-msp.test'), { ticketId, state: 'sleeping' })).rejects.toThrow('Choose viewing, typing or left.');
  });

  it('streams the list on every change, and drops the subscriber when its socket closes', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const tech = await asDemoUser(base, 'tech@demo-msp.test');
    const ac = new AbortController();
    const seen: TPresenceEntry[][] = [];
    const run = (async () => {
      for await (const list of followPresence(admin, { ticketId }, { signal: ac.signal })) seen.push(list);
    })();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await tick();
    await setPresence(admin, { ticketId, state: 'viewing' });
    await tick();
    await setPresence(tech, { ticketId, state: 'typing' });
    await tick();
    await setPresence(tech, { ticketId, state: 'typing' }); // heartbeat: no new list
    await tick();
    clock.advance(PRESENCE_TTL_MS);
    await setPresence(admin, { ticketId, state: 'viewing' }); // Alex heartbeats; Taylor lapses at the sweep
    await presenceFor(admin).sweep();
    await tick();
    expect(seen.map((l) => l.map((e) => `${e.name}:${e.state}`))).toEqual([
      [],
      ['Alex Admin:viewing'],
      ['Alex Admin:viewing', 'Taylor Tech:typing'],
      ['Alex Admin:viewing'],
    ]);
    ac.abort();
    await run;
    expect(presenceFor(admin).list(ticketId)).toEqual([]);
  });

  it('stops when the session ends', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const stopTopic = 'session:test-presence';
    const run = (async () => {
      const got: TPresenceEntry[][] = [];
      for await (const list of followPresence(admin, { ticketId }, { stopTopic })) got.push(list);
      return got;
    })();
    await new Promise((r) => setTimeout(r, 5));
    base.bus.publish([{ id: 1, topic: stopTopic, kind: 'session.ended', payload: {}, createdAt: new Date() }]);
    expect(await run).toEqual([[]]);
    expect(base.bus.listenerCount(stopTopic)).toBe(0);
  });
});
