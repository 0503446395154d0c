import { confirmEmailChange, ZConfirmEmailInput } from '../../auth/change-email';
import { getCurrentUser } from '../../auth/current-user';
import { endSession } from '../../auth/end-session';
import { serializeSessionCookie } from '../../auth/session';
import { serializeDeviceCookie } from '../../auth/device-cookie';
import { chooseAccount, completeTwoFactor, continueAfterSessionLimit, signInWithPassword, startSignIn, type TSignInResult } from '../../auth/sign-in';
import { ZChooseAccountInput, ZContinueAfterLimitInput, ZTwoFactorInput, ZPasswordSignInInput, ZStartSignInInput } from '../../auth/schemas';
import { sessionMetaOf, type TRpcContext } from '../context';
import { publicProcedure, router, sessionProcedure } from '../procedures';

/** Sets the cookie for a new session; the token never appears in a response body. */
export function respond(ctx: TRpcContext, full: TSignInResult) {
  const { device, ...result } = full;
  const { publicUrl, SESSION_ABSOLUTE_HOURS } = ctx.base.settings;
  if (device) ctx.setCookie(serializeDeviceCookie(publicUrl, device.token, device.expiresAt, ctx.base.clock.now()));
  if (result.kind !== 'signed-in') return result;
  ctx.setCookie(serializeSessionCookie(publicUrl, result.token, SESSION_ABSOLUTE_HOURS * 3600));
  return { kind: result.kind, accounts: result.accounts, chosen: result.chosen };
}

export const authRouter = router({
  /** What the sign-in page shows before anyone types (no per-account facts). */
  page: publicProcedure.query(({ ctx }) => ({ systemStatusUrl: ctx.svc.settings.SYSTEM_STATUS_URL ?? null })),

  start: publicProcedure.input(ZStartSignInInput).mutation(async ({ ctx, input }) => await startSignIn(ctx.svc, input)),

  signInWithPassword: publicProcedure
    .input(ZPasswordSignInInput)
    .mutation(async ({ ctx, input }) => respond(ctx, await signInWithPassword(ctx.svc, input, sessionMetaOf(ctx)))),

  /** "Too many active sessions": end one of them and continue signing in. */
  /** Second step: an authenticator app code or a recovery code. */
  completeTwoFactor: publicProcedure
    .input(ZTwoFactorInput)
    .mutation(async ({ ctx, input }) => respond(ctx, await completeTwoFactor(ctx.svc, input))),

  continueAfterSessionLimit: publicProcedure
    .input(ZContinueAfterLimitInput)
    .mutation(async ({ ctx, input }) => respond(ctx, await continueAfterSessionLimit(ctx.svc, input))),

  chooseAccount: sessionProcedure
    .input(ZChooseAccountInput)
    .mutation(async ({ ctx, input }) => await chooseAccount(ctx.svc, ctx.session, input)),

  /** The link from the new mailbox after "Change email". */
  confirmEmail: publicProcedure.input(ZConfirmEmailInput).mutation(async ({ ctx, input }) => await confirmEmailChange(ctx.svc, input, ctx.ip)),

  me: publicProcedure.query(({ ctx }) => getCurrentUser(ctx.svc, ctx.sessionId)),

  signOut: sessionProcedure.mutation(async ({ ctx }) => {
    await endSession(ctx.svc, ctx.session.id, 'signed_out');
    ctx.setCookie(serializeSessionCookie(ctx.svc.settings.publicUrl, null, 0));
    return { ok: true as const };
  }),
});
