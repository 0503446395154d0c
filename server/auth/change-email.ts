import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { contacts, users } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { enqueueEmail } from '../outbox/enqueue-email';
import { ZEmail } from '../people/schemas';
import { requireRecentAuth } from './reauthenticate';
import { constantTimeEqual } from './tokens';

const LINK_HOURS = 24;
const INVALID = 'This confirmation link is invalid or has expired.';

export const ZChangeEmailInput = z.object({ newEmail: ZEmail });
export const ZConfirmEmailInput = z.object({ token: z.string().max(600).regex(/^\d+\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/, INVALID) });

/*
 * The confirmation link is signed, not stored: it names the user, the new address and the
 * old one. Once the change is made the old address no longer matches, so it works once.
 */
function sign(secret: string, userId: number, exp: number, from: string, to: string): string {
  return createHmac('sha256', secret).update(`email-change|${userId}|${exp}|${from}|${to}`).digest('base64url');
}

type TSessionRef = { userId: number; reauthenticatedAt: Date | null; user: { email: string; name: string } };

/**
 * "Change email": needs the password in the last 5 minutes. A link goes to the new address
 * (proving it is theirs) and a notice to the old one. The answer never says whether the
 * new address already belongs to someone; that is checked when the link is used.
 */
export async function requestEmailChange(ctx: ServiceContext, session: TSessionRef, input: unknown, ip: string): Promise<{ sentTo: string }> {
  const { newEmail } = ZChangeEmailInput.parse(input);
  requireRecentAuth(ctx, session);
  if (newEmail === session.user.email) throw new AppError('BAD_INPUT', 'That is already your email address.', { field: 'newEmail' });
  const now = ctx.clock.now();
  const exp = now.getTime() + LINK_HOURS * 3600_000;
  const to64 = Buffer.from(newEmail).toString('base64url');
  const token = `${session.userId}.${exp}.${to64}.${sign(ctx.settings.secretKey, session.userId, exp, session.user.email, newEmail)}`;
  const from = `${ctx.settings.MAIL_FROM_NAME} <no-reply@${ctx.settings.MAIL_DOMAIN}>`;
  await unitOfWork(ctx, async (tx, emit) => {
    await enqueueEmail(tx, emit, now, {
      providerId: null,
      to: newEmail,
      from,
      subject: 'Confirm your new client portal email address',
      text:
        `Hello ${session.user.name},\n\nConfirm that this is your new sign-in email address (the link works once and expires in ${LINK_HOURS} hours):\n` +
        `${ctx.settings.publicUrl}/confirm-email?token=${token}\n\nIf you did not ask for this, ignore this email.\n`,
    });
    await enqueueEmail(tx, emit, now, {
      providerId: null,
      to: session.user.email,
      from,
      subject: 'A change of your client portal email address was requested',
      text:
        `Hello ${session.user.name},\n\nSomeone signed in to your account asked to change its email address to ${newEmail}.\n` +
        `Nothing changes until the new address is confirmed. If this was not you, change your password now.\n`,
    });
    await recordAudit(tx, now, { kind: 'email_changed', userId: session.userId, ip, detail: { stage: 'requested', to: newEmail } });
  });
  return { sentTo: newEmail };
}

/** The link from the new mailbox: moves the sign-in email (and the person's contact records). */
export async function confirmEmailChange(ctx: ServiceContext, input: unknown, ip: string): Promise<{ email: string }> {
  const { token } = ZConfirmEmailInput.parse(input);
  const [uid, expRaw, to64, sig] = token.split('.') as [string, string, string, string];
  const userId = Number(uid);
  const exp = Number(expRaw);
  const newEmail = Buffer.from(to64, 'base64url').toString('utf8');
  const user = (await ctx.db.select().from(users).where(eq(users.id, userId)))[0];
  if (!user || !constantTimeEqual(sign(ctx.settings.secretKey, userId, exp, user.email, newEmail), sig) || exp <= ctx.clock.now().getTime()) {
    throw new AppError('BAD_INPUT', INVALID);
  }
  if ((await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, newEmail)))[0]) {
    throw new AppError('CONFLICT', 'That email address already belongs to another account. Contact your service provider.');
  }
  const old = user.email;
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(users).set({ email: newEmail }).where(eq(users.id, userId)));
    (await tx.update(contacts).set({ email: newEmail }).where(eq(contacts.userId, userId)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'email_changed', userId, ip, detail: { stage: 'confirmed', from: old, to: newEmail } });
  });
  return { email: newEmail };
}
