import type { TTicketStatus } from '../../db/schema/tickets';
import type { TEmailDraft } from '../outbox/enqueue-email';
import type { TSettings } from '../settings';
import { ticketMessageId, ticketRootMessageId } from './message-id';
import type { TRecipient, TTicketFacts } from './recipients';
import { replyAddress } from './reply-tokens';

/** Mail clients and the inbound parser cut a reply at this line. */
export const REPLY_ABOVE_LINE = '##- Please type your reply above this line -##';

export type TTicketEmailTemplate = 'new_ticket' | 'ticket_received' | 'ticket_reply' | 'client_reply' | 'ticket_status' | 'ticket_closed';

export interface TTicketEmail {
  template: TTicketEmailTemplate;
  facts: TTicketFacts;
  eventId: number;
  /** Who did it: the reply's author or whoever changed the status. */
  actorName: string | null;
  /** The reply or the ticket's description; absent for status changes. */
  body: string | null;
  status?: TTicketStatus;
}

export const STATUS_LABELS: Record<TTicketStatus, string> = {
  open: 'Open',
  in_progress: 'In Progress',
  waiting_on_client: 'Waiting on Client',
  waiting_on_vendor: 'Waiting on Vendor',
  closed: 'Closed',
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// Header values are single lines: a subject or name with a line break must not add headers.
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();
const displayName = (s: string) => `"${oneLine(s).replace(/["\\]/g, '')}"`;

function wording(m: TTicketEmail): { subject: string; lead: string } {
  const { ticket, companyName, requesterName } = m.facts;
  const tag = `[#${ticket.number}] ${oneLine(ticket.subject)}`;
  const who = m.actorName ?? 'Someone';
  switch (m.template) {
    case 'new_ticket':
      return { subject: `New ticket ${tag}`, lead: `${requesterName ?? 'A client'} of ${companyName} raised a new ticket.` };
    case 'ticket_received':
      return { subject: `We received your ticket ${tag}`, lead: 'We received your ticket and will get back to you soon.' };
    case 'ticket_reply':
      return { subject: `Re: ${tag}`, lead: `${who} replied to your ticket.` };
    case 'client_reply':
      return { subject: `Re: ${tag}`, lead: `${who} of ${companyName} replied.` };
    case 'ticket_status':
      return { subject: `Status changed ${tag}`, lead: `${who} changed the status of your ticket to ${STATUS_LABELS[m.status ?? ticket.status]}.` };
    case 'ticket_closed':
      return { subject: `Closed ${tag}`, lead: `${who} closed your ticket. If you still need help, reply to this email.` };
  }
}

/** One notification for one recipient, with its own reply address. */
export function composeTicketEmail(settings: TSettings, m: TTicketEmail, to: TRecipient, replyToken: string): TEmailDraft {
  const { ticket, providerName } = m.facts;
  const domain = settings.MAIL_DOMAIN;
  const link = `${settings.publicUrl}/tickets/${ticket.id}`;
  const { subject, lead } = wording(m);
  const title = `[#${ticket.number}] ${ticket.subject}`;
  const root = ticketRootMessageId(settings.secretKey, domain, ticket.id);
  const text = [REPLY_ABOVE_LINE, '', lead, ...(m.body ? ['', m.body] : []), '', title, `View the ticket: ${link}`, ''].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<p style="color:#777;font-size:12px">${escapeHtml(REPLY_ABOVE_LINE)}</p>`,
    `<p>${escapeHtml(lead)}</p>`,
    m.body ? `<blockquote style="white-space:pre-wrap;margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc">${escapeHtml(m.body)}</blockquote>` : '',
    `<p><a href="${escapeHtml(link)}">${escapeHtml(title)}</a></p>`,
    '</body></html>',
  ].join('');
  return {
    providerId: ticket.providerId,
    to: to.email,
    from: `${displayName(providerName)} <support@${domain}>`,
    subject,
    text,
    html,
    headers: {
      'Reply-To': replyAddress(replyToken, domain),
      'Message-ID': ticketMessageId(settings.secretKey, domain, ticket.id, m.eventId),
      'In-Reply-To': root,
      References: root,
      // Out-of-office replies must not come back as ticket replies (RFC 3834, Exchange).
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
  };
}
