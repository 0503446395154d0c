import { getGatewaySettings, updateGatewaySettings, ZGatewaySettingsInput } from '../../payments/gateway-config';
import { payOptions, startCardPayment } from '../../payments/pay-now';
import { paymentHistory } from '../../payments/payment-history';
import { refundPayment } from '../../payments/refund-payment';
import { ZPaymentHistoryInput, ZPayOptionsInput, ZRefundInput, ZStartCardPaymentInput } from '../../payments/schemas';
import { authedProcedure, router, staffProcedure } from '../procedures';

/*
 * Card payments (seed 004 §14, §17): Pay Now, payment history, staff refunds and the gateway
 * settings. The services decide who may do what; money changes only by the signed webhook
 * (server/http/stripe-webhook-route.ts) and staff refunds.
 */
export const paymentsRouter = router({
  /** Whether the invoice page offers "Pay Now" (and a partial amount). */
  payOptions: authedProcedure.input(ZPayOptionsInput).query(async ({ ctx, input }) => await payOptions(ctx.svc, input)),
  /** Opens a hosted checkout for the invoice; the browser goes to the returned URL. */
  payNow: authedProcedure.input(ZStartCardPaymentInput).mutation(({ ctx, input }) => startCardPayment(ctx.svc, input, ctx.ip)),
  history: authedProcedure.input(ZPaymentHistoryInput).query(async ({ ctx, input }) => await paymentHistory(ctx.svc, input)),

  /** Staff. */
  refund: staffProcedure.input(ZRefundInput).mutation(({ ctx, input }) => refundPayment(ctx.svc, input, ctx.ip)),
  gatewaySettings: staffProcedure.query(async ({ ctx }) => await getGatewaySettings(ctx.svc)),
  updateGatewaySettings: staffProcedure.input(ZGatewaySettingsInput).mutation(async ({ ctx, input }) => await updateGatewaySettings(ctx.svc, input, { ip: ctx.ip, session: ctx.session })),
});
