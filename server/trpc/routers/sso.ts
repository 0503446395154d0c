import { consumeHandoff } from '../../auth/sso/handoffs';
import { listIdentityProviders, removeIdentityProvider, saveIdentityProvider } from '../../auth/sso/identity-providers';
import { ZIdentityProviderIdInput, ZResumeSsoInput, ZSaveIdentityProviderInput, ZTestReportInput } from '../../auth/sso/schemas';
import { readTestReport, startTestSignIn } from '../../auth/sso/test-sign-in';
import { hiddenSignInTarget } from '../../auth/sso/sign-in-options';
import { publicProcedure, router, staffProcedure } from '../procedures';

/** Single sign-on: the staff admin's identity providers, and what the sign-in page needs. */
export const ssoRouter = router({
  identityProviders: staffProcedure.query(async ({ ctx }) => await listIdentityProviders(ctx.svc)),
  save: staffProcedure.input(ZSaveIdentityProviderInput).mutation(({ ctx, input }) => saveIdentityProvider(ctx.svc, input, ctx.ip)),
  remove: staffProcedure.input(ZIdentityProviderIdInput).mutation(async ({ ctx, input }) => {
    await removeIdentityProvider(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  /** "Test sign-in": the address that runs the provider's flow for the admin, signing nobody in. */
  startTest: staffProcedure.input(ZIdentityProviderIdInput).mutation(async ({ ctx, input }) => await startTestSignIn(ctx.svc, input)),
  /** What the test sign-in received and whom the portal would sign in. Single use. */
  testReport: staffProcedure.input(ZTestReportInput).mutation(async ({ ctx, input }) => await readTestReport(ctx.svc, input)),
  /** Where the sign-in page goes instead of showing itself (seed 000: the page is hidden). */
  signInPage: publicProcedure.query(async ({ ctx }) => ({ redirect: await hiddenSignInTarget(ctx.svc) })),
  /** What the callback left for the sign-in page: the next step, or why SSO did not work. Single use. */
  resume: publicProcedure.input(ZResumeSsoInput).mutation(async ({ ctx, input }) => await consumeHandoff(ctx.svc, input)),
});
