export const STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  in_progress: 'In Progress',
  waiting_on_client: 'Waiting on Client',
  waiting_on_vendor: 'Waiting on Vendor',
  closed: 'Closed',
};
export const PRIORITY_LABELS: Record<string, string> = { low: 'Low', medium: 'Medium', high: 'High' };

export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{STATUS_LABELS[props.status] ?? props.status}</span>;
}
