import type { TTicketPriority, TTicketStatus } from '../../db/schema/tickets';

/*
 * The ticket events every consumer relies on: the live client stores, the notifier (which
 * tails the event log) and the benchmark. Topics are in ./topics.ts:
 *   ticket:<id>                 public thread events (clients and staff of the ticket)
 *   ticket-staff:<id>           staff-only thread events (internal notes, time entries)
 *   company-tickets:<companyId> list events for a company's contacts (filtered per contact)
 *   staff-feed:<providerId>     the staff live feed
 * Payloads carry ids and the small facts a list row needs; anything else is read from the
 * database by whoever needs it, after checking permission.
 */

export interface TTicketSummary {
  ticketId: number;
  number: number;
  subject: string;
  status: TTicketStatus;
  priority: TTicketPriority;
  category: string | null;
  companyId: number;
  companyName: string;
  requesterContactId: number | null;
  requesterName: string | null;
  /** Contacts who watch the ticket: a Standard contact sees tickets they raised or watch. */
  watcherContactIds: number[];
  assigneeStaffId: number | null;
  assigneeName: string | null;
  source: 'portal' | 'email' | 'staff';
  createdAt: number;
  updatedAt: number;
  firstResponseDueAt: number | null;
  resolutionDueAt: number | null;
  firstRespondedAt: number | null;
  closedAt: number | null;
  /** Who wrote last: the staff feed shows tickets waiting on staff. */
  lastReplyBy: 'staff' | 'client' | null;
}

export interface TCommentView {
  id: number;
  ticketId: number;
  authorName: string;
  authorSide: 'staff' | 'client';
  body: string;
  internal: boolean;
  source: 'portal' | 'email' | 'staff';
  createdAt: number;
  attachments: { id: number; filename: string; size: number; mimeType: string }[];
}

export type TTicketChanges = Partial<{
  status: TTicketStatus;
  priority: TTicketPriority;
  category: string | null;
  assignee: { staffId: number; name: string } | null;
  watcherContactIds: number[];
}>;

export type TTicketEvent =
  /** company-tickets and staff-feed topics */
  | { kind: 'ticket.created'; payload: { ticket: TTicketSummary } }
  | { kind: 'ticket.updated'; payload: { ticket: TTicketSummary } }
  /** ticket topic (public comments) or ticket-staff topic (internal notes) */
  | { kind: 'comment.added'; payload: { ticketId: number; comment: TCommentView } }
  /** ticket topic: field changes, with who made them */
  | { kind: 'ticket.changed'; payload: { ticketId: number; changes: TTicketChanges; by: { userId: number; name: string; side: 'staff' | 'client' } } }
  /** ticket-staff topic */
  | { kind: 'time.logged'; payload: { ticketId: number; entry: { id: number; minutes: number; note: string | null; staffName: string; createdAt: number } } };

export type TTicketEventKind = TTicketEvent['kind'];
