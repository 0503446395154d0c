import { listNotificationSettings, setNotificationSetting } from '../../notifications/notification-settings';
import { ZNotificationSettingInput } from '../../notifications/schemas';
import { authedProcedure, router } from '../procedures';

/** Account > Email notifications: per-person opt-outs the ticket notifier honours. */
export const notificationsRouter = router({
  settings: authedProcedure.query(({ ctx }) => listNotificationSettings(ctx.svc)),
  setSetting: authedProcedure.input(ZNotificationSettingInput).mutation(({ ctx, input }) => setNotificationSetting(ctx.svc, input)),
});
