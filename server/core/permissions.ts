import type { TContactType } from '../../db/schema/people';
import type { TActor, TContactActor, TStaffActor } from './actor';
import { AppError } from './app-error';

/*
 * The one place that says who may do what. Services call these; pages only hide what the
 * `areasFor` answer says is not theirs.
 */

export function requireSignedIn(actor: TActor): TStaffActor | TContactActor {
  if (actor.kind === 'staff' || actor.kind === 'contact') return actor;
  throw new AppError('UNAUTHENTICATED', 'Please sign in.');
}

export function requireStaff(actor: TActor): TStaffActor {
  if (actor.kind === 'staff') return actor;
  if (actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Please sign in.');
  throw new AppError('FORBIDDEN', 'This is for staff only.');
}

export function requireStaffAdmin(actor: TActor): TStaffActor {
  const staff = requireStaff(actor);
  if (staff.role !== 'admin') throw new AppError('FORBIDDEN', 'This needs a staff administrator.');
  return staff;
}

export function requireContact(actor: TActor): TContactActor {
  if (actor.kind === 'contact') return actor;
  if (actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Please sign in.');
  throw new AppError('FORBIDDEN', 'This is for client contacts only.');
}

const has = (types: readonly TContactType[], ...wanted: TContactType[]) =>
  types.includes('primary') || wanted.some((w) => types.includes(w));

/** What each contact type may see (seed 004 §25). Types combine; Primary sees everything. */
export const contactAreas = (types: readonly TContactType[]) => ({
  tickets: true,
  allCompanyTickets: has(types, 'technical'),
  finance: has(types, 'billing'),
  technical: has(types, 'technical'),
  contacts: has(types, 'technical'),
});

/** Whose invoices, quotes and payments a caller may see: one company, or (staff) every company of the provider. */
export type TFinanceScope = { providerId: number; companyId: number | null; staff: TStaffActor | null; contact: TContactActor | null };

/** Finance (seed 004 §12–§17): Billing or Primary contacts for their company; staff for their provider. */
export function requireFinanceAccess(actor: TActor): TFinanceScope {
  if (actor.kind === 'staff') return { providerId: actor.providerId, companyId: null, staff: actor, contact: null };
  const contact = requireContact(actor);
  if (!contactAreas(contact.types).finance) throw new AppError('FORBIDDEN', 'Finance is for Billing and Primary contacts. Ask your Primary contact for access.');
  return { providerId: contact.providerId, companyId: contact.companyId, staff: null, contact };
}

/**
 * Saving cards and turning auto-pay on or off for the company (seed 004 §16): Billing or
 * Primary contacts only; staff see the cards but never add or remove them.
 */
export function requireBillingContact(actor: TActor): TFinanceScope & { contact: TContactActor } {
  const scope = requireFinanceAccess(actor);
  if (!scope.contact) throw new AppError('FORBIDDEN', 'Saved cards are managed by the client\'s Billing and Primary contacts.');
  return { ...scope, contact: scope.contact };
}

/**
 * "Pay Now" by card (seed 004 §14): Billing or Primary contacts, for their own company's
 * invoices. Staff never pay through the portal on a client's behalf.
 */
export function requirePayingContact(actor: TActor): TFinanceScope & { contact: TContactActor } {
  if (actor.kind === 'staff') throw new AppError('FORBIDDEN', 'Card payments are made by the client\'s Billing or Primary contact; record money received with "Record payment".');
  const contact = requireContact(actor);
  if (!contactAreas(contact.types).finance) throw new AppError('FORBIDDEN', 'Only Billing and Primary contacts can pay invoices.');
  return { providerId: contact.providerId, companyId: contact.companyId, staff: null, contact };
}

export type TAreas = Awaited<ReturnType<typeof contactAreas>> & { staffConsole: boolean; staffAdmin: boolean };

export function areasFor(actor: TActor): TAreas {
  if (actor.kind === 'staff') {
    return {
      tickets: true,
      allCompanyTickets: true,
      finance: true,
      technical: true,
      contacts: true,
      staffConsole: true,
      staffAdmin: actor.role === 'admin',
    };
  }
  if (actor.kind === 'contact') return { ...contactAreas(actor.types), staffConsole: false, staffAdmin: false };
  return {
    tickets: false,
    allCompanyTickets: false,
    finance: false,
    technical: false,
    contacts: false,
    staffConsole: false,
    staffAdmin: false,
  };
}

/**
 * Whose technical records (seed 004 Part IV) an actor reaches: staff every company of their
 * provider; Technical and Primary contacts their company's; everyone else only the assets
 * assigned to them (seed 004 §18, "Assigned Assets").
 */
export type TTechnicalScope =
  | { kind: 'provider'; providerId: number }
  | { kind: 'company'; providerId: number; companyId: number }
  | { kind: 'assigned'; providerId: number; companyId: number; contactId: number };

export function technicalScope(actor: TActor): TTechnicalScope {
  const a = requireSignedIn(actor);
  if (a.kind === 'staff') return { kind: 'provider', providerId: a.providerId };
  if (contactAreas(a.types).technical) return { kind: 'company', providerId: a.providerId, companyId: a.companyId };
  return { kind: 'assigned', providerId: a.providerId, companyId: a.companyId, contactId: a.contactId };
}

/** Documents, domains, certificates and the company's whole asset list: not for assigned-only contacts. */
export function requireTechnicalRecords(actor: TActor): Exclude<TTechnicalScope, { kind: 'assigned' }> {
  const scope = technicalScope(actor);
  if (scope.kind === 'assigned') throw new AppError('FORBIDDEN', 'Technical records are for Technical and Primary contacts.');
  return scope;
}
