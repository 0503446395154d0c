import type { TTicketPriority, TTicketStatus } from '../../../../db/schema/tickets';

export const STATUS_LABELS: Record<TTicketStatus, string> = {
  open: 'Open',
  in_progress: 'In Progress',
  waiting_on_client: 'Waiting on Client',
  waiting_on_vendor: 'Waiting on Vendor',
  closed: 'Closed',
};
export const STATUSES = Object.keys(STATUS_LABELS) as TTicketStatus[];

export const PRIORITY_LABELS: Record<TTicketPriority, string> = { low: 'Low', medium: 'Medium', high: 'High' };
export const PRIORITIES = ['low', 'medium', 'high'] as const satisfies readonly TTicketPriority[];

/** The guide's "Use When" column (seed 004 §10), shown next to the priority choice. */
export const PRIORITY_HINTS: Record<TTicketPriority, string> = {
  high: 'Business stopped, security risk, multiple users affected.',
  medium: 'Major function impaired, workaround exists.',
  low: 'Minor issue, general question, single user.',
};

export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{STATUS_LABELS[props.status as TTicketStatus] ?? props.status}</span>;
}

export function PriorityBadge(props: { priority: string }) {
  return <span class={`badge priority-${props.priority}`}>{PRIORITY_LABELS[props.priority as TTicketPriority] ?? props.priority}</span>;
}
