import { For } from 'solid-js';
import type { TMailFlag } from '../../../../db/schema/inbound-mail';

/** What intake noticed about a message, in words staff understand: one for every flag intake can set. */
const LABELS: Record<TMailFlag, { text: string; warn?: boolean }> = {
  automatic: { text: 'Automatic', warn: true },
  bounce: { text: 'Bounce', warn: true },
  spam: { text: 'Spam', warn: true },
  sender_mismatch: { text: 'Sender mismatch', warn: true },
  unverified_sender: { text: 'Unverified sender', warn: true },
  released: { text: 'Released by staff' },
  attachment_refused: { text: 'Attachment refused', warn: true },
  contact_created: { text: 'New contact' },
  reopened: { text: 'Reopened the ticket' },
  related_ticket: { text: 'New linked ticket' },
  attached_by_staff: { text: 'Attached by staff' },
  created_by_staff: { text: 'Ticket by staff' },
};

export function MailFlags(props: { flags: readonly string[] }) {
  return (
    <span class="mail-flags">
      <For each={props.flags}>{(f) => <span class={`badge${LABELS[f as TMailFlag]?.warn ? ' warn' : ''}`}>{LABELS[f as TMailFlag]?.text ?? f}</span>}</For>
    </span>
  );
}
