import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { TDb } from '../../db/client';
import { invoices, quotes, recurringInvoices, type TInvoice, type TQuote, type TRecurringInvoice } from '../../db/schema/finance';
import { companies, providers, type TCompany } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { TFinanceScope } from '../core/permissions';
import type { TTx } from '../core/unit-of-work';

/*
 * Every finance read and write goes through these loaders, so a document outside the
 * caller's company (contacts) or provider (staff) is simply "not found", never shown.
 */

type TReader = TDb | TTx;

/** The WHERE for a table's rows within the scope. */
export function inScope(scope: TFinanceScope, cols: { providerId: SQLiteColumn; companyId: SQLiteColumn }, companyId?: number): SQL {
  const company = scope.companyId ?? companyId;
  return company === undefined ? eq(cols.providerId, scope.providerId) : and(eq(cols.providerId, scope.providerId), eq(cols.companyId, company))!;
}

export function loadInvoice(db: TReader, scope: TFinanceScope, invoiceId: number): TInvoice {
  const row = db.select().from(invoices).where(and(eq(invoices.id, invoiceId), inScope(scope, invoices))).get();
  // Clients never see drafts or void invoices.
  if (!row || (scope.contact && (row.status === 'draft' || row.status === 'void'))) throw new AppError('NOT_FOUND', 'Invoice not found.');
  return row;
}

export function loadQuote(db: TReader, scope: TFinanceScope, quoteId: number): TQuote {
  const row = db.select().from(quotes).where(and(eq(quotes.id, quoteId), inScope(scope, quotes))).get();
  if (!row || (scope.contact && row.status === 'draft')) throw new AppError('NOT_FOUND', 'Quote not found.');
  return row;
}

export function loadRecurring(db: TReader, scope: TFinanceScope, recurringId: number): TRecurringInvoice {
  const row = db.select().from(recurringInvoices).where(and(eq(recurringInvoices.id, recurringId), inScope(scope, recurringInvoices))).get();
  if (!row || (scope.contact && !row.active)) throw new AppError('NOT_FOUND', 'Recurring invoice not found.');
  return row;
}

/** A live (not archived) company of the staff member's provider, for new documents. */
export function loadCompanyForStaff(db: TReader, scope: TFinanceScope, companyId: number): TCompany {
  const row = db
    .select()
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.providerId, scope.providerId), isNull(companies.archivedAt)))
    .get();
  if (!row) throw new AppError('NOT_FOUND', 'Company not found.', { field: 'companyId' });
  return row;
}

export function providerOf(db: TReader, providerId: number) {
  return db.select().from(providers).where(eq(providers.id, providerId)).get()!;
}

export function companyName(db: TReader, companyId: number): string {
  return db.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId)).get()?.name ?? '';
}
