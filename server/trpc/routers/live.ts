import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic, userTopic } from '../../auth/topics';
import { followTopics } from '../../core/event-stream';
import { router, sessionProcedure } from '../procedures';

export const liveRouter = router({
  /**
   * Every tab of a signed-in session listens here: "session.ended" makes it show why and
   * go to sign-in. It yields a "ready" event first so the page knows the feed is live.
   */
  session: sessionProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      yield { kind: 'ready' as const, payload: {} };
      const topics = [sessionTopic(ctx.session.id), userTopic(ctx.session.userId)];
      for await (const e of followTopics(ctx.svc, topics, input?.lastEventId, signal)) {
        yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
        if (e.kind === 'session.ended' && e.topic === sessionTopic(ctx.session.id)) {
          // The tab has been told; now drop the socket so nothing else flows to a dead session.
          ctx.closeConnection('session_ended');
          return;
        }
      }
    }),
});
