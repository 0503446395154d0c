import { me } from '../../lib/session';

/** The signed-in staff member's id, or null for a contact. */
export const myStaffId = (): number | null => {
  const a = me()?.account;
  return a?.kind === 'staff' ? a.staffId : null;
};

/** The signed-in contact's id, or null for staff. */
export const myContactId = (): number | null => {
  const a = me()?.account;
  return a?.kind === 'contact' ? a.contactId : null;
};
