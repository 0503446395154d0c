import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Layout } from './ui/layout';

// Signing in, before the signed-in frame.
const SignIn = lazy(() => import('./features/auth/sign-in-page'));
const Invitation = lazy(() => import('./features/auth/invitation-page'));
const ForgotPassword = lazy(() => import('./features/auth/forgot-password-page'));
const RequestAccess = lazy(() => import('./features/auth/request-access-page'));
const ResetPassword = lazy(() => import('./features/auth/reset-password-page'));
const ConfirmEmail = lazy(() => import('./features/auth/confirm-email-page'));

// What contacts (and staff) see.
const Home = lazy(() => import('./features/home/home-page'));
const Tickets = lazy(() => import('./features/tickets/tickets-page'));
const Ticket = lazy(() => import('./features/tickets/ticket-page'));
const NewTicket = lazy(() => import('./features/tickets/new-ticket-page'));
const Finance = lazy(() => import('./features/finance/finance-page'));
const FinanceInvoice = lazy(() => import('./features/finance/invoice-page'));
const FinanceQuote = lazy(() => import('./features/finance/quote-page'));
const TechAssets = lazy(() => import('./features/technical/assets-page'));
const TechAsset = lazy(() => import('./features/technical/asset-page'));
const MyAssets = lazy(() => import('./features/technical/my-assets-page'));
const TechDocuments = lazy(() => import('./features/technical/documents-page'));
const TechDocument = lazy(() => import('./features/technical/document-page'));
const TechDomains = lazy(() => import('./features/technical/domains-page'));
const TechCertificates = lazy(() => import('./features/technical/certificates-page'));
const Contacts = lazy(() => import('./features/people/contacts-page'));
const Account = lazy(() => import('./features/account/account-page'));
const TwoFactor = lazy(() => import('./features/account/two-factor-page'));
const NotFound = lazy(() => import('./features/placeholder/not-found-page'));

// The staff console's versions of the same areas.
const TicketFeed = lazy(() => import('./features/staff-tickets/ticket-feed-page'));
const StaffFinance = lazy(() => import('./features/staff-finance/staff-finance-page'));
const StaffInvoice = lazy(() => import('./features/staff-finance/staff-invoice-page'));
const StaffQuote = lazy(() => import('./features/staff-finance/staff-quote-page'));
const StaffTechnical = lazy(() => import('./features/staff-technical/staff-technical-page'));
const Companies = lazy(() => import('./features/people/companies-page'));
const Company = lazy(() => import('./features/people/company-page'));
const UnmatchedMail = lazy(() => import('./features/staff-mail/unmatched-mail-page'));
const OutgoingMail = lazy(() => import('./features/staff/outbox/outgoing-mail-page'));

// Administration (features/staff/, grouped by what each page administers).
const Admin = lazy(() => import('./features/staff/admin-page'));
const ProviderSettings = lazy(() => import('./features/staff/provider/provider-settings-page'));
const AccessRequests = lazy(() => import('./features/staff/accounts/access-requests-page'));
const Users = lazy(() => import('./features/staff/accounts/users-page'));
const SecuritySettings = lazy(() => import('./features/staff/security/security-settings-page'));
const SecurityLog = lazy(() => import('./features/staff/security/security-log-page'));
const Sso = lazy(() => import('./features/staff/integrations/sso-page'));
const SmsSettings = lazy(() => import('./features/staff/integrations/sms-settings-page'));
const CardPayments = lazy(() => import('./features/staff/integrations/card-payments-page'));
const PrivacySettings = lazy(() => import('./features/privacy/privacy-settings-page'));
const PrivacyHistory = lazy(() => import('./features/privacy/privacy-history-page'));

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
        <Route path="/tickets/new" component={NewTicket} />
        <Route path="/tickets/:id" component={Ticket} />
        <Route path="/staff/tickets" component={TicketFeed} />
        <Route path="/finance" component={Finance} />
        <Route path="/finance/invoices/:id" component={FinanceInvoice} />
        <Route path="/finance/quotes/:id" component={FinanceQuote} />
        <Route path="/finance/:tab" component={Finance} />
        <Route path="/staff/finance" component={StaffFinance} />
        <Route path="/staff/finance/invoices/:id" component={StaffInvoice} />
        <Route path="/staff/finance/quotes/:id" component={StaffQuote} />
        <Route path="/staff/finance/:tab" component={StaffFinance} />
        <Route path={['/technical', '/technical/assets']} component={TechAssets} />
        <Route path="/technical/assets/:id" component={TechAsset} />
        <Route path="/technical/documents" component={TechDocuments} />
        <Route path="/technical/documents/:id" component={TechDocument} />
        <Route path="/technical/domains" component={TechDomains} />
        <Route path="/technical/certificates" component={TechCertificates} />
        <Route path="/assets" component={MyAssets} />
        <Route path="/assets/:id" component={TechAsset} />
        <Route path="/staff/technical" component={StaffTechnical} />
        <Route path="/account" component={Account} />
        <Route path="/account/two-factor" component={TwoFactor} />
        <Route path="/staff/outgoing-mail" component={OutgoingMail} />
        <Route path="/staff/unmatched-mail" component={UnmatchedMail} />
        <Route path="/staff/access-requests" component={AccessRequests} />
        <Route path="/staff/users" component={Users} />
        <Route path="/staff/security-log" component={SecurityLog} />
        <Route path="/staff/privacy" component={PrivacySettings} />
        <Route path="/staff/privacy-history" component={PrivacyHistory} />
        <Route path="/staff/admin" component={Admin} />
        <Route path="/staff/security-settings" component={SecuritySettings} />
        <Route path="/staff/card-payments" component={CardPayments} />
        <Route path="/staff/sso" component={Sso} />
        <Route path="/staff/sms-settings" component={SmsSettings} />
        <Route path="/contacts" component={Contacts} />
        <Route path="/staff/provider-settings" component={ProviderSettings} />
        <Route path="/staff/companies" component={Companies} />
        <Route path="/staff/companies/:id" component={Company} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  );
}
