import { and, eq, inArray, isNull } from 'drizzle-orm';
import { attachments } from '../../db/schema/attachments';
import { AppError } from '../core/app-error';
import type { TTx } from '../core/unit-of-work';
import { formatMb } from './store';

/**
 * Attaches uploads to a ticket (commentId null: its description) or a reply, inside the
 * caller's transaction. Only the uploader's own unclaimed uploads of the same provider can
 * be claimed, so an id guessed from elsewhere attaches nothing. Files are uploaded one
 * request each, so the per-message size limit can only be checked here: pass
 * `attachmentLimits(ctx.settings)` as `limits` (an error rolls the caller's transaction back).
 */
export async function claimAttachments(
  tx: TTx,
  ids: readonly number[],
  owner: { uploaderUserId: number; providerId: number },
  target: { ticketId: number; commentId: number | null },
  limits?: { maxMessageBytes: number },
): Promise<number[]> {
  if (!ids.length) return [];
  const claimed = (await tx
    .update(attachments)
    .set({ ticketId: target.ticketId, commentId: target.commentId })
    .where(
      and(
        inArray(attachments.id, [...ids]),
        eq(attachments.uploaderUserId, owner.uploaderUserId),
        eq(attachments.providerId, owner.providerId),
        isNull(attachments.ticketId),
      ),
    )
    .returning({ id: attachments.id, size: attachments.size }));
  if (claimed.length !== new Set(ids).size) throw new AppError('BAD_INPUT', 'An attachment was not found. Upload it again.', { field: 'attachmentIds' });
  const total = claimed.reduce((sum, r) => sum + r.size, 0);
  if (limits && total > limits.maxMessageBytes) {
    throw new AppError('BAD_INPUT', `The attachments together are larger than ${formatMb(limits.maxMessageBytes)}.`, { field: 'attachmentIds', problem: 'too-large' });
  }
  return claimed.map((r) => r.id);
}
