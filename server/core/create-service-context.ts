import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import type { TSettings } from '../settings';
import { anonymous } from './actor';
import { systemClock, type Clock } from './clock';
import type { ServiceContext } from './context';
import { EventBus } from './events';
import { createLogger } from './logger';
import { createRateLimits } from './rate-limits';

/** The base context (anonymous actor) from which transports derive one per call. */
export function createServiceContext(opts: {
  db: TDb;
  settings: TSettings;
  clock?: Clock;
  bus?: EventBus;
  log?: Logger;
}): ServiceContext {
  return {
    db: opts.db,
    settings: opts.settings,
    clock: opts.clock ?? systemClock,
    bus: opts.bus ?? new EventBus(),
    log: opts.log ?? createLogger(opts.settings.LOG_LEVEL),
    actor: anonymous,
    rateLimits: createRateLimits(opts.db),
  };
}
