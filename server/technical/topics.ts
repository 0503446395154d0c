import type { TEmit } from '../core/unit-of-work';

/** Live topics: a company's contacts listen on the first, the provider's staff on the second. */
export const companyTechnicalTopic = (companyId: number) => `company-technical:${companyId}`;
export const staffTechnicalTopic = (providerId: number) => `staff-technical:${providerId}`;

export const TECHNICAL_RECORDS = ['asset', 'document', 'domain', 'certificate'] as const;
export type TTechnicalRecord = (typeof TECHNICAL_RECORDS)[number];

/**
 * What changed, without the record itself: pages refetch what their caller may see. The
 * facts are only what the stream needs to decide who hears it (see ./technical-stream.ts).
 */
export type TTechnicalChange = {
  record: TTechnicalRecord;
  id: number;
  companyId: number;
  action: 'created' | 'updated' | 'archived' | 'restored' | 'deleted';
  /** Documents: visible to the client before and after the change. */
  visible?: boolean[];
  /** Assets: the assigned contact before and after the change. */
  contactIds?: (number | null)[];
};

export function emitTechnical(emit: TEmit, providerId: number, change: TTechnicalChange): void {
  emit([companyTechnicalTopic(change.companyId), staffTechnicalTopic(providerId)], 'technical.changed', change);
}
