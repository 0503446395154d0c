import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServiceContext } from '../core/context';
import { resolveReplyToken, replyTokenFromAddress, type TReplyTarget } from '../notifications/reply-tokens';
import type { TSettings } from '../settings';

/*
 * The portal's own addresses, the only ones the listener accepts (no relay):
 *   reply+<token>@MAIL_DOMAIN   a notification's reply address, while its token lives
 *   support@MAIL_DOMAIN         new tickets
 *   bounce+<id>-<sig>@MAIL_DOMAIN  the envelope sender of outgoing mail (VERP), so a
 *                               bounce names the outbox row it is about
 */

export type TRecipient = { kind: 'reply'; token: string; target: TReplyTarget } | { kind: 'support' } | { kind: 'bounce'; outboxId: number };

export const supportAddress = (s: TSettings) => `support@${s.MAIL_DOMAIN}`.toLowerCase();

// Lower-case hex: some mail systems change the case of the local part.
const bounceSig = (s: TSettings, outboxId: number) => createHmac('sha256', s.secretKey).update(`bounce.${outboxId}`).digest('hex').slice(0, 16);

export const bounceAddress = (s: TSettings, outboxId: number) => `bounce+${outboxId}-${bounceSig(s, outboxId)}@${s.MAIL_DOMAIN}`;

function verifiedBounce(s: TSettings, local: string): number | null {
  const m = /^bounce\+([1-9]\d{0,14})-([0-9a-f]{16})$/.exec(local);
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(bounceSig(s, id));
  return timingSafeEqual(expected, Buffer.from(m[2]!)) ? id : null;
}

/** What an address means to the portal, or null (550). A reply address counts only while its token lives. */
export async function classifyRecipient(ctx: Pick<ServiceContext, 'db' | 'clock' | 'settings'>, address: string): Promise<TRecipient | null> {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1 || a.slice(at + 1) !== ctx.settings.MAIL_DOMAIN.toLowerCase()) return null;
  if (a === supportAddress(ctx.settings)) return { kind: 'support' };
  const token = replyTokenFromAddress(a, ctx.settings.MAIL_DOMAIN);
  if (token) {
    const target = await resolveReplyToken(ctx, token);
    return target && { kind: 'reply', token, target };
  }
  const outboxId = verifiedBounce(ctx.settings, a.slice(0, at));
  return outboxId ? { kind: 'bounce', outboxId } : null;
}

/** Mail from the portal itself (a loop through a forwarder or an auto-responder). */
export function isOwnAddress(s: TSettings, address: string): boolean {
  return address.toLowerCase().endsWith(`@${s.MAIL_DOMAIN.toLowerCase()}`);
}
