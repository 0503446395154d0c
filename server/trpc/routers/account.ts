import { endOwnSession, listActiveSessions, ZEndSessionInput } from '../../auth/active-sessions';
import { router, sessionProcedure } from '../procedures';

export const accountRouter = router({
  sessions: sessionProcedure.query(({ ctx }) => listActiveSessions(ctx.svc, ctx.session)),
  endSession: sessionProcedure.input(ZEndSessionInput).mutation(({ ctx, input }) => {
    endOwnSession(ctx.svc, ctx.session, input);
    return { ok: true as const };
  }),
});
