import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { TDb } from '../../db/client';
import { companies } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { TTechnicalScope } from '../core/permissions';
import type { TTx } from '../core/unit-of-work';

/*
 * Every technical read and write goes through these: a contact reaches their own company
 * only, staff the companies of their provider. Anything else is "not found", so nobody
 * learns that a record of another company exists.
 */

const notFound = (what: string) => new AppError('NOT_FOUND', `No such ${what}.`);

/** Whether the scope reaches a company. */
export async function reachesCompany(db: TDb | TTx, scope: TTechnicalScope, companyId: number): Promise<boolean> {
  if (scope.kind !== 'provider') return scope.companyId === companyId;
  return !!(await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.providerId, scope.providerId))))[0];
}

/** The record if its company is in scope, else NOT_FOUND. */
export async function inScope<T extends { companyId: number }>(db: TDb | TTx, scope: TTechnicalScope, row: T | undefined, what: string): Promise<T> {
  if (!row || !await reachesCompany(db, scope, row.companyId)) throw notFound(what);
  return row;
}

/** The company a write is for: staff name one of their provider's active companies. */
export async function writableCompany(db: TDb | TTx, scope: TTechnicalScope, companyId: number | undefined): Promise<number> {
  if (scope.kind !== 'provider') {
    if (companyId !== undefined && companyId !== scope.companyId) throw notFound('company');
    return scope.companyId;
  }
  if (companyId === undefined) throw new AppError('BAD_INPUT', 'Choose a company.', { field: 'companyId' });
  const row = (await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.providerId, scope.providerId), isNull(companies.archivedAt))))[0];
  if (!row) throw notFound('company');
  return row.id;
}

/**
 * The WHERE condition that limits a list to the scope: a contact's company; for staff one
 * named company of theirs, or all of them.
 */
export async function companyCondition(db: TDb, scope: TTechnicalScope, column: AnyPgColumn, companyId: number | undefined): Promise<SQL> {
  if (scope.kind !== 'provider') {
    if (companyId !== undefined && companyId !== scope.companyId) throw notFound('company');
    return eq(column, scope.companyId);
  }
  if (companyId !== undefined) {
    if (!await reachesCompany(db, scope, companyId)) throw notFound('company');
    return eq(column, companyId);
  }
  return inArray(column, db.select({ id: companies.id }).from(companies).where(eq(companies.providerId, scope.providerId)));
}
