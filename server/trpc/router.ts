import { accountRouter } from './routers/account';
import { authRouter } from './routers/auth';
import { invitationsRouter } from './routers/invitations';
import { liveRouter } from './routers/live';
import { outboxRouter } from './routers/outbox';
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
});

export type AppRouter = typeof appRouter;
