import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Layout } from './ui/layout';

const SignIn = lazy(() => import('./features/auth/sign-in-page'));
const Invitation = lazy(() => import('./features/auth/invitation-page'));
const ForgotPassword = lazy(() => import('./features/auth/forgot-password-page'));
const RequestAccess = lazy(() => import('./features/auth/request-access-page'));
const ResetPassword = lazy(() => import('./features/auth/reset-password-page'));
const ConfirmEmail = lazy(() => import('./features/auth/confirm-email-page'));
const Home = lazy(() => import('./features/home/home-page'));
const Tickets = lazy(() => import('./features/tickets/tickets-page'));
const Ticket = lazy(() => import('./features/tickets/ticket-page'));
const OutgoingMail = lazy(() => import('./features/staff/outgoing-mail-page'));
const AccessRequests = lazy(() => import('./features/staff/access-requests-page'));
const Users = lazy(() => import('./features/staff/users-page'));
const SecurityLog = lazy(() => import('./features/staff/security-log-page'));
const PrivacySettings = lazy(() => import('./features/privacy/privacy-settings-page'));
const PrivacyHistory = lazy(() => import('./features/privacy/privacy-history-page'));
const Placeholder = lazy(() => import('./features/placeholder/placeholder-page'));
const Account = lazy(() => import('./features/account/account-page'));
const NotFound = lazy(() => import('./features/placeholder/not-found-page'));

const Admin = lazy(() => import('./features/staff/admin-page'));
const SecuritySettings = lazy(() => import('./features/staff/security-settings-page'));

export function AppRoutes() {
  return (
    <Router>
      <Route path="/sign-in" component={SignIn} />
      <Route path="/invitation" component={Invitation} />
      <Route path="/forgot-password" component={ForgotPassword} />
      <Route path="/request-access" component={RequestAccess} />
      <Route path="/reset-password" component={ResetPassword} />
      <Route path="/confirm-email" component={ConfirmEmail} />
      <Route path="/" component={Layout}>
        <Route path="/" component={Home} />
        <Route path="/tickets" component={Tickets} />
        <Route path="/tickets/:id" component={Ticket} />
        <Route path="/finance" component={() => <Placeholder title="Finance" />} />
        <Route path="/technical" component={() => <Placeholder title="Technical" />} />
        <Route path="/account" component={Account} />
        <Route path="/staff/outgoing-mail" component={OutgoingMail} />
        <Route path="/staff/access-requests" component={AccessRequests} />
        <Route path="/staff/users" component={Users} />
        <Route path="/staff/security-log" component={SecurityLog} />
        <Route path="/staff/privacy" component={PrivacySettings} />
        <Route path="/staff/privacy-history" component={PrivacyHistory} />
        <Route path="/staff/admin" component={Admin} />
        <Route path="/staff/security-settings" component={SecuritySettings} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  );
}
