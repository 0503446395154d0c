import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { forUpdate, isTransaction, type TDb } from '../../db/client';
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
export function inScope(scope: TFinanceScope, cols: { providerId: PgColumn; companyId: PgColumn }, companyId?: number): SQL {
  const company = scope.companyId ?? companyId;
  return company === undefined ? eq(cols.providerId, scope.providerId) : and(eq(cols.providerId, scope.providerId), eq(cols.companyId, company))!;
}

/**
 * Loaded in a transaction, the invoice is locked until it ends (PostgreSQL; SQLite has one
 * writer anyway): what the transaction decides from it (void, send, a payment) cannot
 * interleave with another's change of the same invoice.
 */
export async function loadInvoice(db: TReader, scope: TFinanceScope, invoiceId: number): Promise<TInvoice> {
  const query = db.select().from(invoices).where(and(eq(invoices.id, invoiceId), inScope(scope, invoices)));
  const row = (await (isTransaction(db) ? forUpdate(query) : query))[0];
  // Clients never see drafts or void invoices.
  if (!row || (scope.contact && (row.status === 'draft' || row.status === 'void'))) throw new AppError('NOT_FOUND', 'Invoice not found.');
  return row;
}

export async function loadQuote(db: TReader, scope: TFinanceScope, quoteId: number): Promise<TQuote> {
  const row = (await db.select().from(quotes).where(and(eq(quotes.id, quoteId), inScope(scope, quotes))))[0];
  if (!row || (scope.contact && row.status === 'draft')) throw new AppError('NOT_FOUND', 'Quote not found.');
  return row;
}

export async function loadRecurring(db: TReader, scope: TFinanceScope, recurringId: number): Promise<TRecurringInvoice> {
  const row = (await db.select().from(recurringInvoices).where(and(eq(recurringInvoices.id, recurringId), inScope(scope, recurringInvoices))))[0];
  if (!row || (scope.contact && !row.active)) throw new AppError('NOT_FOUND', 'Recurring invoice not found.');
  return row;
}

/** A live (not archived) company of the staff member's provider, for new documents. */
export async function loadCompanyForStaff(db: TReader, scope: TFinanceScope, companyId: number): Promise<TCompany> {
  const row = (await db
    .select()
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.providerId, scope.providerId), isNull(companies.archivedAt))))[0];
  if (!row) throw new AppError('NOT_FOUND', 'Company not found.', { field: 'companyId' });
  return row;
}

export async function providerOf(db: TReader, providerId: number) {
  return (await db.select().from(providers).where(eq(providers.id, providerId)))[0]!;
}

export async function companyName(db: TReader, companyId: number): Promise<string> {
  return (await db.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId)))[0]?.name ?? '';
}
