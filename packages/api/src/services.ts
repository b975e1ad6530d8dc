import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { EventBus } from './events/event-bus.js';
import { AuditService } from './modules/audit/audit.service.js';
import { ApiTokenService } from './modules/auth/api-token.service.js';
import { CheckInService } from './modules/check-in/check-in.service.js';
import { DeviceService } from './modules/device/device.service.js';
import { EnrollmentService } from './modules/enrollment/enrollment.service.js';
import { UserService } from './modules/user/user.service.js';
import type { Services } from './schema/build-schema.js';
import type { Clock } from './shared/clock.js';

/** The composition root of the domain: every service, wired once per gateway. */
export function createServices(config: Config, database: Database, events: EventBus, clock: Clock, logger: Logger): Services {
  const users = new UserService();
  const forkEntityManager = () => database.orm.em.fork();
  return {
    devices: new DeviceService(config.pagination),
    enrollment: new EnrollmentService(clock, events, users),
    checkIns: new CheckInService(clock, events),
    tokens: new ApiTokenService(clock, forkEntityManager, config.auth.tokenCacheTtlMs),
    audit: new AuditService(clock, forkEntityManager, logger),
    forkEntityManager,
  };
}
