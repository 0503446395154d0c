import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema/sessions';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { sessionTopic } from './topics';

export type TSessionEndReason = 'signed_out' | 'ended_elsewhere' | 'ended_by_admin' | 'password_reset' | 'expired' | 'access_revoked' | 'password_changed';

/** Ends a session and tells every open tab of it, live, why. */
export function endSession(ctx: ServiceContext, sessionId: string, reason: TSessionEndReason): void {
  unitOfWork(ctx, (tx, emit) => {
    tx.delete(sessions).where(eq(sessions.id, sessionId)).run();
    emit(sessionTopic(sessionId), 'session.ended', { reason });
  });
}
