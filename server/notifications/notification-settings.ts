import { and, eq } from 'drizzle-orm';
import { notificationOptOuts, type TNotificationKind } from '../../db/schema/notifications';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { ZNotificationSettingInput } from './schemas';

/** The words on the Account page; contacts and staff are told about different things. */
export const NOTIFICATION_LABELS: Record<TNotificationKind, string> = {
  ticket_reply: 'A technician replies to my ticket',
  ticket_status: "My ticket's status changes",
  ticket_closed: 'My ticket is closed',
  ticket_created: 'A client raises a ticket',
  client_reply: 'A client replies',
};

const KINDS_FOR = {
  contact: ['ticket_reply', 'ticket_status', 'ticket_closed'],
  staff: ['ticket_created', 'client_reply'],
} as const satisfies Record<'contact' | 'staff', readonly TNotificationKind[]>;

/** The signed-in person's email notifications, each on unless they turned it off. */
export async function listNotificationSettings(ctx: ServiceContext) {
  const actor = requireSignedIn(ctx.actor);
  const off = new Set(
    (await ctx.db.select({ kind: notificationOptOuts.kind }).from(notificationOptOuts).where(eq(notificationOptOuts.userId, actor.userId))).map((r) => r.kind),
  );
  return KINDS_FOR[actor.kind].map((kind) => ({ kind, label: NOTIFICATION_LABELS[kind], enabled: !off.has(kind) }));
}

/** Turns one notification on or off for the signed-in person; returns the new list. */
export async function setNotificationSetting(ctx: ServiceContext, input: unknown) {
  const actor = requireSignedIn(ctx.actor);
  const { kind, enabled } = ZNotificationSettingInput.parse(input);
  if (!(KINDS_FOR[actor.kind] as readonly TNotificationKind[]).includes(kind)) {
    throw new AppError('BAD_INPUT', 'That email notification is not available for your account.', { field: 'kind' });
  }
  if (enabled) {
    (await ctx.db.delete(notificationOptOuts).where(and(eq(notificationOptOuts.userId, actor.userId), eq(notificationOptOuts.kind, kind))));
  } else {
    (await ctx.db.insert(notificationOptOuts).values({ userId: actor.userId, kind, createdAt: ctx.clock.now() }).onConflictDoNothing());
  }
  return await listNotificationSettings(ctx);
}
