import { AppError } from '../core/app-error';

/**
 * Keyset cursor over (updatedAt, id), newest first. Opaque to clients (base64url) so the
 * paging scheme can change without breaking them; never an OFFSET.
 */
export type TTicketCursor = { updatedAt: number; id: number };

export function encodeTicketCursor(c: TTicketCursor): string {
  return Buffer.from(`${c.updatedAt}.${c.id}`).toString('base64url');
}

export function decodeTicketCursor(cursor: string): TTicketCursor {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('BAD_INPUT', 'That page link is not valid. Reload the list.', { field: 'cursor' });
  return { updatedAt: Number(m[1]), id: Number(m[2]) };
}
