import { outbox } from '../../db/schema/outbox';
import { p, preparedQueries } from '../core/prepared';
import type { TEmit, TTx } from '../core/unit-of-work';

export interface TEmailDraft {
  providerId: number | null;
  to: string;
  from: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export const OUTBOX_TOPIC = 'outbox';

const queries = preparedQueries((db) => ({
  insert: db
    .insert(outbox)
    .values({
      providerId: p('providerId'),
      toAddress: p('toAddress'),
      fromAddress: p('fromAddress'),
      subject: p('subject'),
      textBody: p('textBody'),
      htmlBody: p('htmlBody'),
      headers: p('headers'),
      nextAttemptAt: p('nextAttemptAt'),
      createdAt: p('createdAt'),
    })
    .returning({ id: outbox.id })
    .prepare('enqueue-email.insert'),
}));

/**
 * Writes an email into the outbox inside the caller's transaction, so mail is sent if and
 * only if the change that caused it committed. The delivery worker wakes on the event.
 */
export async function enqueueEmail(tx: TTx, emit: TEmit, now: Date, draft: TEmailDraft): Promise<number> {
  const row = (await queries(tx).insert.get({
    providerId: draft.providerId,
    toAddress: draft.to,
    fromAddress: draft.from,
    subject: draft.subject,
    textBody: draft.text,
    htmlBody: draft.html ?? null,
    headers: draft.headers ?? {},
    nextAttemptAt: now,
    createdAt: now,
  }))!;
  emit(OUTBOX_TOPIC, 'outbox.queued', { outboxId: row.id });
  return row.id;
}
