import type { TContactType, TStaffRole } from '../../db/schema/people';

/** Who is calling a service. Every permission decision starts from this value. */
export type TActor =
  | { kind: 'anonymous' }
  | { kind: 'system' }
  | { kind: 'staff'; userId: number; staffId: number; providerId: number; role: TStaffRole; name: string }
  | {
      kind: 'contact';
      userId: number;
      contactId: number;
      companyId: number;
      providerId: number;
      types: readonly TContactType[];
      name: string;
    };

export type TStaffActor = Extract<TActor, { kind: 'staff' }>;
export type TContactActor = Extract<TActor, { kind: 'contact' }>;

export const anonymous: TActor = { kind: 'anonymous' };
export const system: TActor = { kind: 'system' };
