import type { TInboundMessage, TSenderAuth } from '../../db/schema/inbound-mail';
import type { ServiceContext } from '../core/context';
import type { TOutcome } from './commit-inbound';
import type { TMatch } from './match-message';
import { intakeQueries } from './queries';
import { createSenderAuthenticator, type TSenderAuthenticator } from './sender-auth';
import type { TSenderCheck } from './sender-trust';

/*
 * Sender authentication within intake's processing. Every message but a delivery report is
 * checked and the verdict stored with it, for staff to see beside the original. Only mail
 * matched by its From alone waits for the verdict before it is committed; a reply by token
 * (a secret of its own) is committed at once, and its verdict is added when it arrives.
 */

export interface TSenderCheckRun {
  /** Resolves with the verdict; never rejects. */
  verdict: Promise<TSenderAuth | null>;
  /** Inside the commit: the outcome with the verdict, when it is in by then. */
  record(outcome: TOutcome): TOutcome;
  /** After the commit: stores a verdict the commit did not (it came later, or the work was undone). Resolves once written. */
  afterCommit(worked: boolean): Promise<void> | undefined;
}

export function checkSender(base: ServiceContext, auth: TSenderAuthenticator | undefined, row: TInboundMessage, raw: Buffer): TSenderCheckRun {
  const authenticator = auth ?? createSenderAuthenticator(base.settings, base.log, null);
  let value: TSenderAuth | null = null;
  let stored = false;
  const verdict = authenticator
    .check({ raw, clientIp: row.clientIp, clientHelo: row.clientHelo, envelopeFrom: row.envelopeFrom })
    .catch((err: unknown) => (base.log.error({ err, inboundId: row.id }, 'sender authentication failed'), null))
    .then((v) => (value = v));
  return {
    verdict,
    record(outcome) {
      stored = value !== null;
      return value ? { ...outcome, senderAuth: value } : outcome;
    },
    afterCommit(worked) {
      if (stored && worked) return undefined;
      return verdict.then(async (v) => {
        try {
          if (v) await intakeQueries(base.db).setSenderAuth.run({ id: row.id, senderAuth: v });
        } catch (err) {
          // Shutting down: the message is processed; only the staff's view of its verdict is missing.
          base.log.warn({ err, inboundId: row.id }, 'sender authentication result not stored');
        }
      });
    },
  };
}

/**
 * Whether the outcome depends on who the sender is, proven: a match by the From alone (a
 * "[#N]" subject, our Message-ID, mail to support from a known contact), or a reply by token
 * from someone other than the token's holder. Automatic mail is only ever a note.
 */
export function needsSenderTrust(match: TMatch, automatic: string | null): boolean {
  if (automatic) return false;
  if (match.kind === 'new_ticket') return true;
  if (match.kind === 'ticket') return match.senderOk && !(match.by === 'token' && match.bearer);
  return false;
}

export const unverifiedReason = (trust: TSenderCheck) =>
  `Unverified sender: ${trust.reason} Not opened as a ticket in the contact's name: raise one from here if the message is genuine.`;
