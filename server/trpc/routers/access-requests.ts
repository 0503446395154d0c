import { tracked } from '@trpc/server';
import { z } from 'zod';
import { approveAccessRequest, declineAccessRequest } from '../../access-requests/decide-access-request';
import { accessRequestsTopicFor, listAccessRequests } from '../../access-requests/list-access-requests';
import { identifierNeeded, requestAccess } from '../../access-requests/request-access';
import { ZAccessRequestIdInput, ZApproveAccessInput, ZRequestAccessInput } from '../../access-requests/schemas';
import { sessionTopic } from '../../auth/topics';
import { followTopics } from '../../core/event-stream';
import { publicProcedure, router, staffProcedure } from '../procedures';

export const accessRequestsRouter = router({
  /** Whether the form shows "Service provider identifier". */
  needsIdentifier: publicProcedure.query(async ({ ctx }) => await identifierNeeded(ctx.svc)),
  request: publicProcedure.input(ZRequestAccessInput).mutation(async ({ ctx, input }) => await requestAccess(ctx.svc, input, ctx.ip)),

  list: staffProcedure.query(async ({ ctx }) => await listAccessRequests(ctx.svc)),
  approve: staffProcedure.input(ZApproveAccessInput).mutation(async ({ ctx, input }) => await approveAccessRequest(ctx.svc, input)),
  decline: staffProcedure.input(ZAccessRequestIdInput).mutation(async ({ ctx, input }) => await declineAccessRequest(ctx.svc, input)),

  /** New and decided requests of the provider, live; resumes after `lastEventId`. */
  onChange: staffProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const ended = sessionTopic(ctx.session.id);
      for await (const e of followTopics(ctx.svc, [accessRequestsTopicFor(ctx.svc), ended], input.lastEventId, signal)) {
        if (e.topic === ended) return; // the session ended: stop streaming to it
        yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
      }
    }),
});
