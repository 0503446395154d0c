import { createResource } from 'solid-js';
import { trpc } from './trpc';

/** The signed-in user (or null), loaded once and refreshed after sign-in/out. */
const [me, { refetch: refetchMe, mutate: setMe }] = createResource(() => trpc.auth.me.query());
export { me, refetchMe, setMe };

export type TMe = NonNullable<Awaited<ReturnType<typeof trpc.auth.me.query>>>;
