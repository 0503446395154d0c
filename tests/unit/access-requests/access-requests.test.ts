import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { accessRequests } from '../../../db/schema/access-requests';
import { auditEvents } from '../../../db/schema/audit';
import type { TEventRow } from '../../../db/schema/events';
import { outbox } from '../../../db/schema/outbox';
import { companies, contacts } from '../../../db/schema/people';
import { approveAccessRequest, declineAccessRequest } from '../../../server/access-requests/decide-access-request';
import { listAccessRequests } from '../../../server/access-requests/list-access-requests';
import { identifierNeeded, requestAccess } from '../../../server/access-requests/request-access';
import { ACCESS_REQUESTED, UNKNOWN_PROVIDER } from '../../../server/access-requests/schemas';
import { accessRequestsTopic } from '../../../server/access-requests/topics';
import { system } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const admin = async () => await asDemoUser(base, 'admin@demo-msp.test');
const form = (email: string, extra: Record<string, unknown> = {}) => ({ name: 'Rita Requester', email, companyName: 'Rita Bakery', ...extra });
const latest = async () => (await base.db.select().from(accessRequests).orderBy(desc(accessRequests.id)))[0]!;
const mailCount = async () => (await base.db.select().from(outbox)).length;

describe('access requests', () => {
  it('answers the same for a known and an unknown email, and sends no mail', async () => {
    expect(await identifierNeeded(base)).toEqual({ needsIdentifier: false });
    const before = await mailCount();
    const known = await requestAccess(base, form('standard@acme-dental.test'), '10.1.0.1');
    const knownRow = await latest();
    const unknown = await requestAccess(base, form('nobody@nowhere.test'), '10.1.0.1');
    expect(known).toEqual(unknown);
    expect(known.message).toBe(ACCESS_REQUESTED);
    expect((await latest()).id).toBe(knownRow.id + 1);
    expect(knownRow).toMatchObject({ status: 'pending', email: 'standard@acme-dental.test', ip: '10.1.0.1' });
    expect(await mailCount()).toBe(before);
  });

  it('refuses bad input with clear messages', async () => {
    await expect(requestAccess(base, form('ok@x.test', { name: '  ' }), '10.2.0.1')).rejects.toThrow('Enter your name.');
    await expect(requestAccess(base, form('not-an-email'), '10.2.0.1')).rejects.toThrow('Enter a valid email address.');
    await expect(requestAccess(base, form('ok@x.test', { companyName: '' }), '10.2.0.1')).rejects.toThrow('Enter your company name.');
  });

  it('throttles per IP: 5 an hour', async () => {
    for (let i = 0; i < 5; i++) await requestAccess(base, form(`t${i}@x.test`), '10.3.0.1');
    await expect(requestAccess(base, form('t5@x.test'), '10.3.0.1')).rejects.toThrow('Too many requests');
    expect((await requestAccess(base, form('t6@x.test'), '10.3.0.2')).message).toBe(ACCESS_REQUESTED);
    clock.advance(60 * 60_000 + 1);
    expect((await requestAccess(base, form('t7@x.test'), '10.3.0.1')).message).toBe(ACCESS_REQUESTED);
  });

  it('lets only staff of the provider list and decide', async () => {
    await requestAccess(base, form('contactcheck@x.test'), '10.4.0.1');
    const id = (await latest()).id;
    const contact = await asDemoUser(base, 'primary@acme-dental.test');
    await expect(listAccessRequests(contact)).rejects.toThrow('This is for staff only.');
    await expect(approveAccessRequest(contact, { requestId: id, company: { kind: 'new', name: 'X' } })).rejects.toThrow('This is for staff only.');
    await expect(declineAccessRequest(withActor(base, system), { requestId: id })).rejects.toThrow();
    expect((await listAccessRequests(await admin())).items.map((r) => r.id)).toContain(id);
  });

  it('approves into a new company: contact, invitation in the outbox, audit, live event', async () => {
    await requestAccess(base, { name: 'Nora New', email: 'Nora@NewCo.test', companyName: 'NewCo' }, '10.5.0.1');
    const req = await latest();
    const seen: TEventRow[] = [];
    const off = base.bus.on(accessRequestsTopic(req.providerId), (e) => seen.push(e));
    const res = await approveAccessRequest(await admin(), { requestId: req.id, company: { kind: 'new', name: 'NewCo Ltd' } });
    off();
    const company = (await base.db.select().from(companies).where(eq(companies.name, 'NewCo Ltd')))[0]!;
    expect(res).toEqual({ email: 'nora@newco.test', company: { id: company.id, name: 'NewCo Ltd' }, resent: false });
    const contact = (await base.db.select().from(contacts).where(eq(contacts.companyId, company.id)))[0]!;
    expect(contact).toMatchObject({ name: 'Nora New', email: 'nora@newco.test', types: ['standard'] });
    const mail = (await base.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!;
    expect(mail.toAddress).toBe('nora@newco.test');
    expect(mail.textBody).toMatch(/\/invitation\?token=[a-z2-7]{32}/);
    expect(await latest()).toMatchObject({ status: 'approved', companyId: company.id });
    expect(seen.map((e) => e.kind)).toEqual(['access_request.decided']);
    expect(seen[0]!.payload).toMatchObject({ requestId: req.id, status: 'approved' });
    const audit = (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'access_approved')));
    expect(audit.at(-1)).toMatchObject({ email: 'nora@newco.test', providerId: req.providerId });
    expect((await listAccessRequests(await admin())).items.some((r) => r.id === req.id)).toBe(false);
  });

  it('emits an event when a request arrives', async () => {
    const provider = (await base.db.select().from(accessRequests))[0]!.providerId;
    const seen: TEventRow[] = [];
    const off = base.bus.on(accessRequestsTopic(provider), (e) => seen.push(e));
    await requestAccess(base, form('live@x.test'), '10.6.0.1');
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'access_request.created', payload: { request: { email: 'live@x.test', name: 'Rita Requester' } } });
  });

  it('declines, and refuses to decide a request twice', async () => {
    await requestAccess(base, form('decline@x.test'), '10.7.0.1');
    const id = (await latest()).id;
    await declineAccessRequest(await admin(), { requestId: id });
    expect((await latest()).status).toBe('declined');
    await expect(declineAccessRequest(await admin(), { requestId: id })).rejects.toThrow('This request was already declined.');
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    await expect(approveAccessRequest(await admin(), { requestId: id, company: { kind: 'existing', companyId: acme.id } })).rejects.toThrow('already declined');
  });

  it('resends the invitation of an existing contact, but not to someone with an account', async () => {
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    const pending = { name: 'Paula Pending', email: 'paula@acme-dental.test', companyName: 'Acme' };
    await requestAccess(base, pending, '10.8.0.1');
    await approveAccessRequest(await admin(), { requestId: (await latest()).id, company: { kind: 'existing', companyId: acme.id } });
    await requestAccess(base, pending, '10.8.0.1');
    const again = await approveAccessRequest(await admin(), { requestId: (await latest()).id, company: { kind: 'existing', companyId: acme.id } });
    expect(again.resent).toBe(true);
    const paula = (await base.db.select().from(contacts).where(and(eq(contacts.companyId, acme.id), eq(contacts.email, 'paula@acme-dental.test'))));
    expect(paula).toHaveLength(1);

    await requestAccess(base, form('standard@acme-dental.test'), '10.8.0.1');
    const id = (await latest()).id;
    const mails = await mailCount();
    await expect(approveAccessRequest(await admin(), { requestId: id, company: { kind: 'existing', companyId: acme.id } })).rejects.toThrow(
      'This person already has an account for Acme Dental.',
    );
    // Nothing of the refused approval stays behind.
    expect(await latest()).toMatchObject({ id, status: 'pending' });
    expect(await mailCount()).toBe(mails);
  });

  it('keeps providers apart and asks for the identifier once there are several', async () => {
    const other = await createProvider(withActor(base, system), { name: 'Other MSP', identifier: 'other-msp' });
    await createStaffMember(withActor(base, system), other.id, { name: 'Olga Other', email: 'olga@other-msp.test', role: 'admin' });
    const olga = await asDemoUser(base, 'olga@other-msp.test');
    expect(await identifierNeeded(base)).toEqual({ needsIdentifier: true });
    await expect(requestAccess(base, form('who@x.test'), '10.9.0.1')).rejects.toThrow('Enter your service provider identifier.');
    const refusal = await (async () => {
      try {
        await requestAccess(base, form('who@x.test', { identifier: 'nope' }), '10.9.0.1');
      } catch (e) {
        return e;
      }
    })();
    expect(refusal).toMatchObject({ code: 'BAD_INPUT', message: UNKNOWN_PROVIDER, details: { field: 'identifier' } });

    await requestAccess(base, form('demo@x.test', { identifier: 'demo-msp' }), '10.9.0.2');
    const demoReq = await latest();
    await requestAccess(base, form('other@x.test', { identifier: ' Other-MSP ' }), '10.9.0.2');
    const otherReq = await latest();
    expect(otherReq.providerId).toBe(other.id);
    expect((await listAccessRequests(olga)).items.map((r) => r.id)).toEqual([otherReq.id]);
    expect((await listAccessRequests(await admin())).items.map((r) => r.id)).not.toContain(otherReq.id);
    await expect(declineAccessRequest(olga, { requestId: demoReq.id })).rejects.toThrow('Access request not found.');
    await expect(approveAccessRequest(await admin(), { requestId: otherReq.id, company: { kind: 'new', name: 'Z' } })).rejects.toThrow('Access request not found.');
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    await expect(approveAccessRequest(olga, { requestId: otherReq.id, company: { kind: 'existing', companyId: acme.id } })).rejects.toThrow('Company not found.');
    expect((await base.db.select().from(accessRequests).where(eq(accessRequests.id, otherReq.id)))[0]!.status).toBe('pending');
  });
});
