import { z } from 'zod';
import { getOutboxMessage, listOutbox, ZListOutboxInput } from '../../outbox/list-outbox';
import { router, staffProcedure } from '../procedures';

export const outboxRouter = router({
  list: staffProcedure.input(ZListOutboxInput).query(({ ctx, input }) => listOutbox(ctx.svc, input)),
  get: staffProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getOutboxMessage(ctx.svc, input)),
});
