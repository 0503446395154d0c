import { accessRequestsRouter } from './routers/access-requests';
import { accountRouter } from './routers/account';
import { adminRouter } from './routers/admin';
import { authRouter } from './routers/auth';
import { autopayRouter } from './routers/autopay';
import { financeRouter } from './routers/finance';
import { paymentsRouter } from './routers/payments';
import { inboundMailRouter } from './routers/inbound-mail';
import { invitationsRouter } from './routers/invitations';
import { liveRouter } from './routers/live';
import { notificationsRouter } from './routers/notifications';
import { outboxRouter } from './routers/outbox';
import { passwordResetRouter } from './routers/password-reset';
import { privacyRouter } from './routers/privacy';
import { ticketSettingsRouter } from './routers/ticket-settings';
import { ticketsRouter } from './routers/tickets';
import { twoFactorRouter } from './routers/two-factor';
import { technicalRouter } from './routers/technical';
import { peopleRouter } from './routers/people';
import { dashboardRouter } from './routers/dashboard';
import { smsRouter } from './routers/sms';
import { webauthnRouter } from './routers/webauthn';
import { ssoRouter } from './routers/sso';
import { router } from './procedures';

export const appRouter = router({
  sso: ssoRouter,
  people: peopleRouter,
  dashboard: dashboardRouter,
  auth: authRouter,
  account: accountRouter,
  twoFactor: twoFactorRouter,
  webauthn: webauthnRouter,
  invitations: invitationsRouter,
  live: liveRouter,
  tickets: ticketsRouter,
  technical: technicalRouter,
  finance: financeRouter,
  payments: paymentsRouter,
  autopay: autopayRouter,
  ticketSettings: ticketSettingsRouter,
  outbox: outboxRouter,
  inboundMail: inboundMailRouter,
  passwordReset: passwordResetRouter,
  accessRequests: accessRequestsRouter,
  privacy: privacyRouter,
  admin: adminRouter,
  notifications: notificationsRouter,
  sms: smsRouter,
});

export type AppRouter = typeof appRouter;
