import { ZSendSmsCodeInput, ZSendTestSmsInput, ZSmsSettingsInput } from '../../auth/sms/schemas';
import { sendSmsCode } from '../../auth/sms/sms-codes';
import { getSmsSettings, removeSmsSettings, sendTestSms, updateSmsSettings } from '../../auth/sms/sms-settings';
import { publicProcedure, router, staffProcedure } from '../procedures';

/** Codes by text message (seed 003): sending one at sign-in, and the provider's SMS gateway. */
export const smsRouter = router({
  /** The two-factor step's "Send SMS Code"; the pending sign-in's token is the only credential. */
  sendCode: publicProcedure.input(ZSendSmsCodeInput).mutation(({ ctx, input }) => sendSmsCode(ctx.svc, input)),

  settings: staffProcedure.query(async ({ ctx }) => await getSmsSettings(ctx.svc)),
  updateSettings: staffProcedure.input(ZSmsSettingsInput).mutation(async ({ ctx, input }) => {
    await updateSmsSettings(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  removeSettings: staffProcedure.mutation(async ({ ctx }) => {
    await removeSmsSettings(ctx.svc, ctx.ip);
    return { ok: true as const };
  }),
  sendTest: staffProcedure.input(ZSendTestSmsInput).mutation(({ ctx, input }) => sendTestSms(ctx.svc, input, ctx.ip)),
});
