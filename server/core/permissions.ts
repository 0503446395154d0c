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

export type TAreas = ReturnType<typeof contactAreas> & { staffConsole: boolean; staffAdmin: boolean };

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
