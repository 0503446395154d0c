import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema/sessions';
import { recordAudit, type TAuditEntry } from '../audit/record-audit';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { sessionTopic } from './topics';

export type TSessionEndReason =
  | 'signed_out'
  | 'ended_elsewhere'
  | 'ended_by_admin'
  | 'password_reset'
  | 'password_changed'
  | 'expired'
  | 'access_revoked';

/** Who ended it, when someone else than its user did (an admin): for the audit log. */
export type TEndedBy = Pick<TAuditEntry, 'actorUserId' | 'providerId' | 'ip'>;

/** Ends a session, tells every open tab of it live why, and records it in the audit log. */
export async function endSession(ctx: ServiceContext, sessionId: string, reason: TSessionEndReason, by: TEndedBy = {}): Promise<void> {
  await unitOfWork(ctx, async (tx, emit) => {
    const row = (await tx.delete(sessions).where(eq(sessions.id, sessionId)).returning())[0]!;
    if (!row) return;
    emit(sessionTopic(sessionId), 'session.ended', { reason });
    await recordAudit(tx, ctx.clock.now(), {
      kind: 'session_ended',
      userId: row.userId,
      ip: by.ip ?? row.ip,
      providerId: by.providerId ?? null,
      actorUserId: by.actorUserId ?? null,
      detail: { reason, deviceClass: row.deviceClass, browser: row.browser },
    });
  });
}
