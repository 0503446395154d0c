import { listNotificationSettings, setNotificationSetting } from '../../notifications/notification-settings';
import { ZNotificationSettingInput } from '../../notifications/schemas';
import { authedProcedure, router } from '../procedures';

/** Account > Email notifications: per-person opt-outs the ticket notifier honours. */
export const notificationsRouter = router({
  settings: authedProcedure.query(async ({ ctx }) => await listNotificationSettings(ctx.svc)),
  setSetting: authedProcedure.input(ZNotificationSettingInput).mutation(async ({ ctx, input }) => await setNotificationSetting(ctx.svc, input)),
});
