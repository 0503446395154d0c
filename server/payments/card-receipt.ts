import { eq } from 'drizzle-orm';
import type { TInvoice, TPayment } from '../../db/schema/finance';
import { contacts, providers } from '../../db/schema/people';
import type { TEmit, TTx } from '../core/unit-of-work';
import { formatMoney, invoiceLabel } from '../finance/money';
import { enqueueEmail } from '../outbox/enqueue-email';
import type { TSettings } from '../settings';
import { cardLabel } from './card-label';

/*
 * The receipt for a card payment (seed 004 §14, "Confirmation email sent"): to the contact who
 * paid and the company's Billing contacts, through the outbox in the payment's transaction.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The payer (when known) and every Billing contact of the company, once each. */
async function receiptRecipients(tx: TTx, companyId: number, payerContactId: number | null): Promise<{ name: string; email: string }[]> {
  const all = (await tx.select({ id: contacts.id, name: contacts.name, email: contacts.email, types: contacts.types }).from(contacts).where(eq(contacts.companyId, companyId)));
  const chosen = all.filter((c) => c.id === payerContactId || c.types.includes('billing'));
  const seen = new Set<string>();
  return chosen.filter((c) => !seen.has(c.email.toLowerCase()) && seen.add(c.email.toLowerCase())).map(({ name, email }) => ({ name, email }));
}

export async function enqueueCardReceipt(tx: TTx, emit: TEmit, now: Date, settings: TSettings, r: { invoice: TInvoice; payment: TPayment; payerContactId: number | null }): Promise<number> {
  const { invoice: inv, payment: p } = r;
  const provider = (await tx.select({ name: providers.name }).from(providers).where(eq(providers.id, inv.providerId)))[0];
  const label = invoiceLabel(inv.number);
  const amount = formatMoney(p.amountMinor, p.currency, 'en-US');
  const balance = formatMoney(inv.totalMinor - inv.paidMinor, inv.currency, 'en-US');
  const method = p.cardBrand && p.cardLast4 ? cardLabel(p.cardBrand, p.cardLast4) : 'Card';
  const link = `${settings.publicUrl}/finance/invoices/${inv.id}`;
  const facts: [string, string][] = [
    ['Invoice', label],
    ['Amount paid', amount],
    ['Payment method', method],
    ['Date', p.paidOn],
    ['Balance remaining', balance],
  ];
  const recipients = await receiptRecipients(tx, inv.companyId, r.payerContactId);
  for (const to of recipients) {
    await enqueueEmail(tx, emit, now, {
      providerId: inv.providerId,
      to: to.email,
      from: `${provider?.name ?? settings.MAIL_FROM_NAME} <no-reply@${settings.MAIL_DOMAIN}>`,
      subject: `Payment receipt for ${label}`,
      text: [
        `Hello ${to.name},`,
        '',
        `Thank you: we received your card payment for ${label}.`,
        '',
        ...facts.map(([k, v]) => `${k}: ${v}`),
        '',
        `View the invoice: ${link}`,
        '',
        'Card payments are processed by our payment gateway; we never see your full card number.',
        '',
      ].join('\n'),
      html: [
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
        `<p>Hello ${esc(to.name)},</p>`,
        `<p>Thank you: we received your card payment for ${esc(label)}.</p>`,
        '<table>',
        ...facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`),
        '</table>',
        `<p><a href="${esc(link)}">View the invoice</a></p>`,
        '<p style="color:#666">Card payments are processed by our payment gateway; we never see your full card number.</p>',
        '</body></html>',
      ].join(''),
    });
  }
  return recipients.length;
}
