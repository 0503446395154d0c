import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import type { TSettings } from '../settings';
import type { TActor } from './actor';
import type { Clock } from './clock';
import type { EventBus } from './events';
import type { RateLimits } from './rate-limits';

/** Everything a service needs; transports build one per call, tests build one directly. */
export interface ServiceContext {
  db: TDb;
  clock: Clock;
  bus: EventBus;
  settings: TSettings;
  log: Logger;
  actor: TActor;
  rateLimits: RateLimits;
}

export const withActor = (ctx: ServiceContext, actor: TActor): ServiceContext => ({ ...ctx, actor });
