import { getCurrentUser } from '../../auth/current-user';
import { endSession } from '../../auth/end-session';
import { serializeSessionCookie } from '../../auth/session';
import { chooseAccount, signInWithPassword, startSignIn } from '../../auth/sign-in';
import { ZChooseAccountInput, ZPasswordSignInInput, ZStartSignInInput } from '../../auth/schemas';
import { sessionMetaOf } from '../context';
import { publicProcedure, router, sessionProcedure } from '../procedures';

export const authRouter = router({
  start: publicProcedure.input(ZStartSignInInput).mutation(({ ctx, input }) => startSignIn(ctx.svc, input)),

  signInWithPassword: publicProcedure.input(ZPasswordSignInInput).mutation(async ({ ctx, input }) => {
    const result = await signInWithPassword(ctx.svc, input, sessionMetaOf(ctx));
    const { publicUrl, SESSION_ABSOLUTE_HOURS } = ctx.svc.settings;
    ctx.setCookie(serializeSessionCookie(publicUrl, result.token, SESSION_ABSOLUTE_HOURS * 3600));
    return { accounts: result.accounts, chosen: result.chosen };
  }),

  chooseAccount: sessionProcedure
    .input(ZChooseAccountInput)
    .mutation(({ ctx, input }) => chooseAccount(ctx.svc, ctx.session, input)),

  me: publicProcedure.query(({ ctx }) => getCurrentUser(ctx.svc, ctx.sessionId)),

  signOut: sessionProcedure.mutation(({ ctx }) => {
    endSession(ctx.svc, ctx.session.id, 'signed_out');
    ctx.setCookie(serializeSessionCookie(ctx.svc.settings.publicUrl, null, 0));
    return { ok: true as const };
  }),
});
