import type { TTicketStore } from '../tickets/ticket-store';
import { LogTime } from './log-time';
import { TicketFieldsEditor } from './ticket-fields-editor';
import { WatchersEditor } from './watchers-editor';

/** The staff side of a ticket page: fields, watchers and time. Contacts never load this. */
export default function StaffPanel(props: { store: TTicketStore; onChanged: () => void }) {
  return (
    <>
      <TicketFieldsEditor store={props.store} />
      <WatchersEditor store={props.store} onChanged={props.onChanged} />
      <LogTime store={props.store} />
    </>
  );
}
