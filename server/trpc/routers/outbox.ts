import { z } from 'zod';
import { getOutboxMessage, listOutbox, ZListOutboxInput } from '../../outbox/list-outbox';
import { router, staffProcedure } from '../procedures';

export const outboxRouter = router({
  list: staffProcedure.input(ZListOutboxInput).query(async ({ ctx, input }) => await listOutbox(ctx.svc, input)),
  get: staffProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => await getOutboxMessage(ctx.svc, input)),
});
