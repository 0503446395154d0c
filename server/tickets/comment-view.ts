import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { attachments } from '../../db/schema/attachments';
import type { TTicketComment } from '../../db/schema/tickets';
import { p, preparedQueries } from '../core/prepared';
import type { TTx } from '../core/unit-of-work';
import type { TCommentView } from './events';

type TAttachmentView = TCommentView['attachments'][number];
const attachmentColumns = { id: attachments.id, filename: attachments.filename, size: attachments.size, mimeType: attachments.mimeType };

// One comment (every reply's `comment.added`) is the common case.
const queries = preparedQueries((db) => ({
  files: db
    .select({ ...attachmentColumns, commentId: attachments.commentId })
    .from(attachments)
    .where(eq(attachments.commentId, p('commentId')))
    .orderBy(asc(attachments.id))
    .prepare('comment-view.files'),
}));

/** Comments as the thread and `comment.added` show them, each with its attachments. */
export async function toCommentViews(db: TDb | TTx, comments: readonly TTicketComment[]): Promise<TCommentView[]> {
  const files = new Map<number, TAttachmentView[]>();
  if (comments.length) {
    const rows =
      comments.length === 1
        ? await queries(db).files.all({ commentId: comments[0]!.id })
        : (await db
            .select({ ...attachmentColumns, commentId: attachments.commentId })
            .from(attachments)
            .where(inArray(attachments.commentId, comments.map((c) => c.id)))
            .orderBy(asc(attachments.id)));
    for (const { commentId, ...a } of rows) files.set(commentId!, [...(files.get(commentId!) ?? []), a]);
  }
  return comments.map((c) => ({
    id: c.id,
    ticketId: c.ticketId,
    authorName: c.authorName,
    authorSide: c.authorSide,
    body: c.body,
    internal: c.internal,
    source: c.source,
    createdAt: c.createdAt.getTime(),
    attachments: files.get(c.id) ?? [],
  }));
}

/** Files attached to the ticket's description (no comment). */
export async function descriptionAttachments(db: TDb | TTx, ticketId: number): Promise<TAttachmentView[]> {
  return (await db
    .select(attachmentColumns)
    .from(attachments)
    .where(and(eq(attachments.ticketId, ticketId), isNull(attachments.commentId)))
    .orderBy(asc(attachments.id)));
}
