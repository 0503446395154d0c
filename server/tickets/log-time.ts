import { timeEntries } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import type { TTicketEvent } from './events';
import { ZLogTimeInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';
import { emitTicketEvent } from './ticket-summary';
import { ticketStaffTopic } from './topics';

type TTimeEntryView = Extract<TTicketEvent, { kind: 'time.logged' }>['payload']['entry'];

/** Staff log time on a ticket (1..1440 minutes); announced on the staff thread only. */
export async function logTime(ctx: ServiceContext, input: unknown): Promise<TTimeEntryView> {
  const actor = requireStaff(ctx.actor);
  const data = ZLogTimeInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, data.ticketId);
    const row = (await tx
      .insert(timeEntries)
      .values({ ticketId: t.id, staffId: actor.staffId, minutes: data.minutes, note: data.note || null, createdAt: ctx.clock.now() })
      .returning())[0]!;
    const entry = { id: row.id, minutes: row.minutes, note: row.note, staffName: actor.name, createdAt: row.createdAt.getTime() };
    emitTicketEvent(emit, ticketStaffTopic(t.id), 'time.logged', { ticketId: t.id, entry });
    return entry;
  });
}
