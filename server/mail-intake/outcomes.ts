import { z } from 'zod';
import { MAIL_FLAGS, type TInboundMessage, type TMailFlag } from '../../db/schema/inbound-mail';

/*
 * What processing a message can come to, named, as Discourse's receiver names its
 * processing errors: the flags noted on the message and its comment, and for a message
 * that made no comment or ticket, the reason, each with the words staff read on the
 * Unmatched mail page.
 */

export const ZMailFlag = z.enum(MAIL_FLAGS);
export type { TMailFlag };

/** Why a message is left for staff (unmatched) or could not be processed (failed). */
export const ZMailProblem = z.enum([
  'no_ticket',
  'unknown_sender',
  'several_companies',
  'automatic',
  'spam',
  'unverified_sender',
  'unreadable',
  'refused',
  'processing_failed',
]);
export type TMailProblem = z.infer<typeof ZMailProblem>;

const PROBLEM_TEXT: Record<TMailProblem, (detail: string | null) => string> = {
  no_ticket: () => 'No ticket matches this message.',
  unknown_sender: () => 'The sender is not a known contact.',
  several_companies: () => 'The sender is a contact of several companies.',
  automatic: (d) => `Automatic message (${d ?? 'auto-reply'}).`,
  spam: (d) => `Marked as spam on the way (${d ?? 'spam filter'}).`,
  unverified_sender: (d) => d ?? 'The sender could not be verified.',
  unreadable: () => 'The message could not be read.',
  refused: (d) => d ?? 'The message was refused.',
  processing_failed: () => 'Processing failed.',
};

/** The words staff read for a problem; `detail` fills in what varies (the header that gave an auto-reply away, …). */
export function problemText(problem: TMailProblem, detail: string | null = null): string {
  return PROBLEM_TEXT[problem](detail);
}

/** What committing a message's processing records on its row. */
export type TOutcome = Partial<Pick<TInboundMessage, 'providerId' | 'ticketId' | 'commentId' | 'matchedBy' | 'senderAuth'>> &
  (
    | { status: 'processed' | 'discarded'; flags: TMailFlag[]; error?: null }
    | { status: 'unmatched' | 'failed'; flags: TMailFlag[]; problem: TMailProblem; detail?: string | null }
  );

/** The row's error text for an outcome: null when it made something. */
export const outcomeError = (o: TOutcome): string | null => ('problem' in o ? problemText(o.problem, o.detail ?? null) : null);
