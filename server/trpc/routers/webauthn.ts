import { passkeySignInOptions, signInWithPasskey } from '../../auth/webauthn/passkey-sign-in';
import { listWebauthnCredentials, removeWebauthnCredential, renameWebauthnCredential } from '../../auth/webauthn/credentials';
import { beginWebauthnRegistration, finishWebauthnRegistration } from '../../auth/webauthn/registration';
import { ZPasskeySignInInput, ZRegisterInput, ZRemoveInput, ZRenameInput, ZSecondFactorInput, ZSecondFactorOptionsInput } from '../../auth/webauthn/schemas';
import { completeWebauthnSecondFactor, webauthnSecondFactorOptions } from '../../auth/webauthn/second-factor';
import { sessionMetaOf } from '../context';
import { publicProcedure, router, sessionProcedure } from '../procedures';
import { respond } from './auth';

/** Passkeys and security keys: the Account page's list, and the two sign-in uses. */
export const webauthnRouter = router({
  list: sessionProcedure.query(async ({ ctx }) => await listWebauthnCredentials(ctx.svc, ctx.session.userId)),
  /** "Add a passkey or security key": options, then the authenticator's answer (password in the last 5 minutes). */
  registrationOptions: sessionProcedure.mutation(({ ctx }) => beginWebauthnRegistration(ctx.svc, ctx.session)),
  register: sessionProcedure
    .input(ZRegisterInput)
    .mutation(({ ctx, input }) => finishWebauthnRegistration(ctx.svc, ctx.session, input, ctx.ip)),
  rename: sessionProcedure.input(ZRenameInput).mutation(async ({ ctx, input }) => {
    await renameWebauthnCredential(ctx.svc, ctx.session.userId, input, ctx.ip);
    return { ok: true as const };
  }),
  remove: sessionProcedure.input(ZRemoveInput).mutation(async ({ ctx, input }) => {
    await removeWebauthnCredential(ctx.svc, ctx.session, ctx.actor, input, ctx.ip);
    return { ok: true as const };
  }),

  /** Two-factor step, "Security key or passkey": the pending sign-in's token is the only credential. */
  secondFactorOptions: publicProcedure
    .input(ZSecondFactorOptionsInput)
    .mutation(({ ctx, input }) => webauthnSecondFactorOptions(ctx.svc, input)),
  completeSecondFactor: publicProcedure
    .input(ZSecondFactorInput)
    .mutation(async ({ ctx, input }) => respond(ctx, await completeWebauthnSecondFactor(ctx.svc, input))),

  /** "Sign in with a passkey" on the email step: no password, both factors at once. */
  passkeyOptions: publicProcedure.mutation(({ ctx }) => passkeySignInOptions(ctx.svc, ctx.ip)),
  signInWithPasskey: publicProcedure
    .input(ZPasskeySignInInput)
    .mutation(async ({ ctx, input }) => respond(ctx, await signInWithPasskey(ctx.svc, input, sessionMetaOf(ctx)))),
});
