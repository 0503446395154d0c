import type { TStaffActor } from '../core/actor';

/**
 * Some intake rules act for the provider where the services ask for staff: reopening a
 * ticket answered by mail within REOPEN_DAYS, adding an unknown sender as a contact when the
 * provider turned that on. Those calls get this actor. It is no staff member (staffId 0,
 * never stored) and it carries the sender's name and user, so the ticket's history and
 * notifications say who caused the change.
 */
export function intakeActor(providerId: number, cause: { userId: number; name: string }): TStaffActor {
  return { kind: 'staff', staffId: 0, role: 'technician', providerId, userId: cause.userId, name: cause.name };
}
