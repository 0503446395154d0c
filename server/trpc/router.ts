import { accessRequestsRouter } from './routers/access-requests';
import { accountRouter } from './routers/account';
import { adminRouter } from './routers/admin';
import { authRouter } from './routers/auth';
import { invitationsRouter } from './routers/invitations';
import { liveRouter } from './routers/live';
import { outboxRouter } from './routers/outbox';
import { passwordResetRouter } from './routers/password-reset';
import { privacyRouter } from './routers/privacy';
import { ticketsRouter } from './routers/tickets';
import { twoFactorRouter } from './routers/two-factor';
import { router } from './procedures';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  twoFactor: twoFactorRouter,
  invitations: invitationsRouter,
  live: liveRouter,
  tickets: ticketsRouter,
  outbox: outboxRouter,
  passwordReset: passwordResetRouter,
  accessRequests: accessRequestsRouter,
  privacy: privacyRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
