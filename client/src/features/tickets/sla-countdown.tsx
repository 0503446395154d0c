import { For } from 'solid-js';
import { formatDateTime } from './format';
import { slaLines, type TSlaFacts } from './sla';

/** "Response due in 25 min" / "Resolution overdue by 2 h" (red and worded when missed). */
export function SlaCountdown(props: { ticket: TSlaFacts; now: number }) {
  return (
    <span class="sla">
      <For each={slaLines(props.ticket, props.now)} fallback={<span class="muted">—</span>}>
        {(l) => (
          <span class="sla-line" classList={{ 'sla-overdue': l.overdue }} data-sla={l.overdue ? 'overdue' : 'running'} title={`Target: ${formatDateTime(l.dueAt)}`}>
            {l.text}
          </span>
        )}
      </For>
    </span>
  );
}
