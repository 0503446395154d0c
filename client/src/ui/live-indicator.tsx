import { liveState } from '../lib/trpc';

const LABELS = { live: 'Live', connecting: 'Connecting…', offline: 'Offline — reconnecting' } as const;

/** Shows whether the live connection is up; screen readers hear changes politely. */
export function LiveIndicator() {
  return (
    <span class="live" data-state={liveState()} role="status" aria-live="polite" title="Live updates connection">
      <span class="live-dot" aria-hidden="true" />
      <span class="live-label">{LABELS[liveState()]}</span>
    </span>
  );
}
