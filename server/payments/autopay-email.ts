import { eq } from 'drizzle-orm';
import type { TInvoice } from '../../db/schema/finance';
import { contacts, providers } from '../../db/schema/people';
import { formatMoney, invoiceLabel } from '../finance/money';
import type { TEmailDraft } from '../outbox/enqueue-email';
import type { TSettings } from '../settings';
import type { TTx } from '../core/unit-of-work';

/*
 * The mail the billing contacts get when an auto-pay charge fails: what failed and why, when
 * the next try is (or that there is none), and a Pay Now link to the invoice page.
 */

/** Who is told: the company's Billing contacts, or its Primary contacts when it has none. */
export async function billingRecipients(tx: TTx, companyId: number): Promise<{ name: string; email: string }[]> {
  const all = (await tx.select({ name: contacts.name, email: contacts.email, types: contacts.types }).from(contacts).where(eq(contacts.companyId, companyId)));
  const billing = all.filter((c) => c.types.includes('billing'));
  const chosen = billing.length ? billing : all.filter((c) => c.types.includes('primary'));
  const seen = new Set<string>();
  return chosen.filter((c) => !seen.has(c.email.toLowerCase()) && seen.add(c.email.toLowerCase())).map(({ name, email }) => ({ name, email }));
}

const dayText = (d: Date) => d.toLocaleDateString('en-US', { timeZone: 'UTC', dateStyle: 'long' });
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface TAutopayFailureMail {
  invoice: TInvoice;
  amountMinor: number;
  card: { brand: string; last4: string } | null;
  reason: string;
  /** When the next attempt is due; null after the last one. */
  nextAttemptAt: Date | null;
}

export async function composeAutopayFailure(tx: TTx, settings: TSettings, m: TAutopayFailureMail, to: { name: string; email: string }): Promise<TEmailDraft> {
  const provider = (await tx.select({ name: providers.name }).from(providers).where(eq(providers.id, m.invoice.providerId)))[0];
  const label = invoiceLabel(m.invoice.number);
  const amount = formatMoney(m.amountMinor, m.invoice.currency, 'en-US');
  const payNow = `${settings.publicUrl}/finance/invoices/${m.invoice.id}`;
  const cards = `${settings.publicUrl}/finance/autopay`;
  const card = m.card ? `the saved card (${m.card.brand} ending ${m.card.last4})` : 'a saved card';
  const next = m.nextAttemptAt
    ? `We will try again on ${dayText(m.nextAttemptAt)}. To pay now instead, use Pay Now on the invoice:`
    : 'That was the last automatic try. Please pay the invoice with Pay Now:';
  const lines = [
    `Hello ${to.name},`,
    '',
    `The automatic payment of ${label} (${amount}) with ${card} did not go through.`,
    `Reason: ${m.reason}`,
    '',
    next,
    payNow,
    '',
    `To save another card or change the default card, open Finance > Auto Payment: ${cards}`,
    '',
  ];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<p>Hello ${escapeHtml(to.name)},</p>`,
    `<p>The automatic payment of ${escapeHtml(label)} (${escapeHtml(amount)}) with ${escapeHtml(card)} did not go through.<br>Reason: ${escapeHtml(m.reason)}</p>`,
    `<p>${escapeHtml(next.replace(/:$/, '.'))}</p>`,
    `<p><a href="${escapeHtml(payNow)}">Pay Now: ${escapeHtml(label)}</a></p>`,
    `<p>To save another card or change the default card, open <a href="${escapeHtml(cards)}">Finance &gt; Auto Payment</a>.</p>`,
    '</body></html>',
  ].join('');
  return {
    providerId: m.invoice.providerId,
    to: to.email,
    from: `"${(provider?.name ?? settings.MAIL_FROM_NAME).replace(/["\\\r\n]/g, '')}" <no-reply@${settings.MAIL_DOMAIN}>`,
    subject: `Automatic payment failed for ${label}`,
    text: lines.join('\n'),
    html,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  };
}
