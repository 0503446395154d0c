import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import { followTopics } from '../../core/event-stream';
import { dashboardFor, dashboardTopics } from '../../dashboard/dashboard';
import { authedProcedure, router } from '../procedures';

export const dashboardRouter = router({
  get: authedProcedure.query(async ({ ctx }) => await dashboardFor(ctx.svc)),
  /**
   * "Something on your dashboard changed": no content, only a tracked id, so an event about
   * a ticket a Standard contact may not see tells them nothing; the page refetches `get`.
   */
  onChange: authedProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const ended = sessionTopic(ctx.session.id);
      for await (const e of followTopics(ctx.svc, [...dashboardTopics(ctx.svc), ended], input?.lastEventId, signal)) {
        if (e.topic === ended) return;
        yield tracked(String(e.id), { changed: true as const });
      }
    }),
});
