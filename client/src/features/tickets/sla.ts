import { createSignal, onCleanup } from 'solid-js';
import type { TTicketSummary } from '../../../../server/tickets/events';
import { formatSpan } from './format';

/*
 * SLA countdowns for staff: the first-response target until someone on the team replies,
 * the resolution target until the ticket is closed. A missed target reads "overdue" and is
 * marked with a class, so it is never told by colour alone.
 */

export type TSlaFacts = Pick<TTicketSummary, 'firstResponseDueAt' | 'resolutionDueAt' | 'firstRespondedAt' | 'closedAt' | 'status'>;
export type TSlaLine = { kind: 'response' | 'resolution'; text: string; overdue: boolean; dueAt: number };

function line(kind: TSlaLine['kind'], dueAt: number, now: number): TSlaLine {
  const what = kind === 'response' ? 'Response' : 'Resolution';
  const left = dueAt - now;
  return left > 0
    ? { kind, dueAt, overdue: false, text: `${what} due in ${formatSpan(left)}` }
    : { kind, dueAt, overdue: true, text: `${what} overdue by ${formatSpan(-left)}` };
}

/** The targets still running for a ticket at `now` (none once closed). */
export function slaLines(t: TSlaFacts, now: number): TSlaLine[] {
  const open = t.status !== 'closed' && !t.closedAt;
  const lines: TSlaLine[] = [];
  if (open && t.firstRespondedAt === null && t.firstResponseDueAt !== null) lines.push(line('response', t.firstResponseDueAt, now));
  if (open && t.resolutionDueAt !== null) lines.push(line('resolution', t.resolutionDueAt, now));
  return lines;
}

/** The current time, refreshed every `everyMs` while the calling component lives. */
export function createNow(everyMs = 30_000): () => number {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), everyMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
