import { createResource } from 'solid-js';
import { setDisplayTimeZone } from './dates';
import { trpc } from './trpc';

/** The signed-in user (or null), loaded once and refreshed after sign-in/out. */
const [me, { refetch: refetchMe, mutate: setMe }] = createResource(async () => {
  const m = await trpc.auth.me.query();
  // Every date and time on every page follows the account's zone (or the browser's).
  setDisplayTimeZone(m?.timeZone);
  return m;
});
export { me, refetchMe, setMe };

export type TMe = NonNullable<Awaited<ReturnType<typeof trpc.auth.me.query>>>;
