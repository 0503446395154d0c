import { eq, sql } from 'drizzle-orm';
import { invoiceLines, quoteLines } from '../../db/schema/finance';
import { providers } from '../../db/schema/people';
import type { TTx } from '../core/unit-of-work';
import { documentTotals, lineTotalMinor, type TDocumentTotals, type TLineAmounts } from './money';

type TLine = TLineAmounts & { description: string };

/** Replaces a document's lines and returns the totals to store on it (one computation, ./money). */
export async function replaceLines(tx: TTx, doc: { invoiceId: number } | { quoteId: number }, lines: readonly TLine[]): Promise<TDocumentTotals> {
  const rows = lines.map((l, position) => ({
    position,
    description: l.description,
    quantityMilli: l.quantityMilli,
    unitPriceMinor: l.unitPriceMinor,
    taxRateBp: l.taxRateBp,
    lineTotalMinor: lineTotalMinor(l),
  }));
  if ('invoiceId' in doc) {
    (await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, doc.invoiceId)));
    if (rows.length) (await tx.insert(invoiceLines).values(rows.map((r) => ({ ...r, invoiceId: doc.invoiceId }))));
  } else {
    (await tx.delete(quoteLines).where(eq(quoteLines.quoteId, doc.quoteId)));
    if (rows.length) (await tx.insert(quoteLines).values(rows.map((r) => ({ ...r, quoteId: doc.quoteId }))));
  }
  return documentTotals(lines);
}

/** Takes the provider's next invoice or quote number (inside the caller's transaction). */
export async function takeNumber(tx: TTx, providerId: number, kind: 'invoice' | 'quote'): Promise<number> {
  const col = kind === 'invoice' ? providers.nextInvoiceNumber : providers.nextQuoteNumber;
  const key = kind === 'invoice' ? 'nextInvoiceNumber' : 'nextQuoteNumber';
  // One statement, not a read then a write: on PostgreSQL concurrent takers queue on the row
  // instead of both taking the number they read.
  const row = (await tx.update(providers).set({ [key]: sql`${col} + 1` }).where(eq(providers.id, providerId)).returning({ next: col }))[0]!;
  return row.next - 1;
}
