import { beginTotpSetup, confirmTotpSetup, hasTotp, remainingRecoveryCodes } from '../../auth/totp';
import { ZTotpCodeInput } from '../../auth/schemas';
import { disableTwoFactor, newRecoveryCodes } from '../../auth/two-factor-settings';
import { isTwoFactorRequired } from '../../auth/two-factor-requirement';
import { router, sessionProcedure } from '../procedures';

export const twoFactorRouter = router({
  status: sessionProcedure.query(async ({ ctx }) => ({
    enabled: await hasTotp(ctx.svc, ctx.session.userId),
    required: ctx.actor ? await isTwoFactorRequired(ctx.svc, ctx.actor) : false,
    recoveryCodesLeft: await remainingRecoveryCodes(ctx.svc, ctx.session.userId),
  })),
  beginSetup: sessionProcedure.mutation(({ ctx }) => beginTotpSetup(ctx.svc, ctx.session.userId)),
  /** Confirms with a first code; the ten recovery codes are returned this once only. */
  confirmSetup: sessionProcedure
    .input(ZTotpCodeInput)
    .mutation(async ({ ctx, input }) => ({ recoveryCodes: await confirmTotpSetup(ctx.svc, ctx.session.userId, input.code) })),
  /** Both need the password within the last 5 minutes (account.reauthenticate). */
  disable: sessionProcedure.mutation(async ({ ctx }) => {
    await disableTwoFactor(ctx.svc, ctx.session, ctx.actor, ctx.ip);
    return { ok: true as const };
  }),
  regenerateRecoveryCodes: sessionProcedure.mutation(async ({ ctx }) => ({ recoveryCodes: await newRecoveryCodes(ctx.svc, ctx.session, ctx.ip) })),
});
