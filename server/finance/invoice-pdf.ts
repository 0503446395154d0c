import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { providerOf } from './access';
import { getInvoice, type TInvoiceDetail } from './invoices';
import { INVOICE_STATUS_LABELS, PAYMENT_METHOD_LABELS } from './labels';
import { formatMoney, formatQuantity, formatTaxRate } from './money';

const loadPdfKit = loadOnFirstUse(() => import('pdfkit'));

/*
 * The invoice as a PDF, drawn on the server with pdfkit: what the detail page shows, for
 * expense reports and records (seed 004 §13). Permission is getInvoice's: a caller who may
 * not see the invoice gets NOT_FOUND, never a document.
 */

const MARGIN = 50;
const COLS = { description: MARGIN, qty: 300, unit: 350, tax: 430, amount: 480 } as const;
const RIGHT = 545;

/** The provider's logo file when one is set and present: DATA_DIR/logos/<sha256>. */
function logoPath(ctx: ServiceContext, sha: string | null): string | null {
  if (!sha || !/^[a-f0-9]{64}$/.test(sha)) return null;
  const path = join(ctx.settings.DATA_DIR, 'logos', sha);
  return existsSync(path) ? path : null;
}

export async function renderInvoicePdf(ctx: ServiceContext, input: unknown, opts: { compress?: boolean } = {}): Promise<{ filename: string; data: Buffer }> {
  const inv = await getInvoice(ctx, input);
  const provider = await providerOf(ctx.db, inv.providerId);
  const { default: PDFDocument } = await loadPdfKit();
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    compress: opts.compress ?? true,
    info: { Title: `Invoice ${inv.number}`, Author: provider.name, Subject: `Invoice ${inv.number} for ${inv.companyName}`, CreationDate: ctx.clock.now() },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc, inv, { logo: logoPath(ctx, provider.logoSha256), paymentInstructions: provider.paymentInstructions }, ctx);
  doc.end();
  return { filename: `${inv.number}.pdf`, data: await done };
}

function draw(doc: PDFKit.PDFDocument, inv: TInvoiceDetail, extra: { logo: string | null; paymentInstructions: string | null }, ctx: ServiceContext): void {
  const logo = extra.logo;
  const money = (minor: number) => formatMoney(minor, inv.currency, 'en-US');
  let top = MARGIN;
  if (logo) {
    try {
      doc.image(logo, MARGIN, top, { fit: [140, 60] });
      top += 70;
    } catch (err) {
      // A logo pdfkit cannot read (not PNG or JPEG) must not cost the client their invoice.
      ctx.log.warn({ err }, 'invoice logo skipped');
    }
  }
  doc.font('Helvetica-Bold').fontSize(18).text(inv.providerName, MARGIN, top);
  doc.fontSize(22).text('INVOICE', MARGIN, top, { width: RIGHT - MARGIN, align: 'right' });
  doc.font('Helvetica').fontSize(11).text(inv.number, MARGIN, top + 26, { width: RIGHT - MARGIN, align: 'right' });

  let y = top + 60;
  const fact = (label: string, value: string, x: number) => {
    doc.font('Helvetica').fontSize(9).fillColor('#555555').text(label, x, y);
    doc.font('Helvetica').fontSize(11).fillColor('#000000').text(value, x, y + 12);
  };
  fact('Bill to', inv.companyName, MARGIN);
  fact('Issue date', inv.issueDate, 250);
  fact('Due date', inv.dueDate, 350);
  fact('Status', INVOICE_STATUS_LABELS[inv.status] ?? inv.status, 450);
  y += 50;

  // The line table, continuing on new pages as needed.
  const header = () => {
    doc.font('Helvetica-Bold').fontSize(9);
    doc.text('Description', COLS.description, y);
    doc.text('Qty', COLS.qty, y, { width: 45, align: 'right' });
    doc.text('Unit price', COLS.unit, y, { width: 75, align: 'right' });
    doc.text('Tax', COLS.tax, y, { width: 45, align: 'right' });
    doc.text('Amount', COLS.amount, y, { width: RIGHT - COLS.amount, align: 'right' });
    y += 14;
    doc.moveTo(MARGIN, y).lineTo(RIGHT, y).strokeColor('#cccccc').stroke();
    y += 6;
  };
  const room = (needed: number) => {
    if (y + needed > doc.page.height - MARGIN) {
      doc.addPage();
      y = MARGIN;
      return true;
    }
    return false;
  };
  header();
  doc.font('Helvetica').fontSize(10);
  for (const l of inv.lines) {
    const h = doc.heightOfString(l.description, { width: COLS.qty - COLS.description - 10 });
    if (room(h + 6)) header();
    doc.font('Helvetica').fontSize(10);
    doc.text(l.description, COLS.description, y, { width: COLS.qty - COLS.description - 10 });
    doc.text(formatQuantity(l.quantityMilli), COLS.qty, y, { width: 45, align: 'right' });
    doc.text(money(l.unitPriceMinor), COLS.unit, y, { width: 75, align: 'right' });
    doc.text(formatTaxRate(l.taxRateBp), COLS.tax, y, { width: 45, align: 'right' });
    doc.text(money(l.lineTotalMinor), COLS.amount, y, { width: RIGHT - COLS.amount, align: 'right' });
    y += Math.max(h, 12) + 6;
  }
  doc.moveTo(MARGIN, y).lineTo(RIGHT, y).strokeColor('#cccccc').stroke();
  y += 8;

  const total = (label: string, value: string, bold = false) => {
    room(16);
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(label, 350, y, { width: 110, align: 'right' });
    doc.text(value, COLS.amount - 20, y, { width: RIGHT - COLS.amount + 20, align: 'right' });
    y += 16;
  };
  total('Subtotal', money(inv.subtotalMinor));
  total('Tax', money(inv.taxMinor));
  total('Total', money(inv.totalMinor), true);
  total('Paid', money(inv.paidMinor));
  total('Balance due', money(inv.balanceMinor), true);

  if (inv.payments.length) {
    y += 10;
    room(30);
    doc.font('Helvetica-Bold').fontSize(11).text('Payments', MARGIN, y);
    y += 16;
    for (const p of inv.payments) {
      room(14);
      const what = [p.paidOn, PAYMENT_METHOD_LABELS[p.method] ?? p.method, p.reference].filter(Boolean).join('  ·  ');
      doc.font('Helvetica').fontSize(10).text(what, MARGIN, y);
      doc.text(money(p.amountMinor), COLS.amount - 20, y, { width: RIGHT - COLS.amount + 20, align: 'right' });
      y += 14;
    }
  }
  y += 14;
  room(40);
  doc.font('Helvetica-Bold').fontSize(11).text('Payment terms', MARGIN, y);
  doc.font('Helvetica').fontSize(10).text(inv.paymentTerms || `Due by ${inv.dueDate}`, MARGIN, y + 15, { width: RIGHT - MARGIN });
  if (inv.notes) {
    y = doc.y + 14;
    room(40);
    doc.font('Helvetica-Bold').fontSize(11).text('Notes', MARGIN, y);
    doc.font('Helvetica').fontSize(10).text(inv.notes, MARGIN, y + 15, { width: RIGHT - MARGIN });
  }
  // The provider's own words on how to pay (bank details, a phone number): a printed invoice must say it too.
  if (extra.paymentInstructions) {
    y = doc.y + 14;
    room(40);
    doc.font('Helvetica-Bold').fontSize(11).text('How to pay', MARGIN, y);
    doc.font('Helvetica').fontSize(10).text(extra.paymentInstructions, MARGIN, y + 15, { width: RIGHT - MARGIN });
  }
}
