import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { EventBus } from './events/event-bus.js';
import { AppleEnrollmentService } from './modules/apple-enrollment/apple-enrollment.service.js';
import { BulkEnrollmentService } from './modules/bulk-enrollment/bulk-enrollment.service.js';
import { CheckInService } from './modules/check-in/check-in.service.js';
import { DeviceActionService } from './modules/device-action/device-action.service.js';
import { ExchangeService } from './modules/exchange/exchange.service.js';
import { ImportService } from './modules/imports/imports.service.js';
import { DeviceService } from './modules/device/device.service.js';
import { EnrollmentService } from './modules/enrollment/enrollment.service.js';
import { RestrictionService } from './modules/restriction/restriction.service.js';
import { UserService } from './modules/user/user.service.js';
import type { Services } from './schema/build-schema.js';
import type { Clock } from './shared/clock.js';

/** The composition root of the domain: every service, wired once per gateway. */
export function createServices(config: Config, database: Database, events: EventBus, clock: Clock): Services {
  const users = new UserService(clock);
  const restrictions = new RestrictionService(clock);
  const apple = new AppleEnrollmentService(clock, config.enrollment.publicUrl);
  const bulk = new BulkEnrollmentService(clock, events, restrictions);
  const deviceActions = new DeviceActionService(clock);
  return {
    devices: new DeviceService(config.pagination),
    enrollment: new EnrollmentService(clock, events, { users, apple, bulk, restrictions, demDeviceLimit: config.enrollment.demDeviceLimit }),
    checkIns: new CheckInService(clock, events, deviceActions),
    users,
    restrictions,
    apple,
    bulk,
    deviceActions,
    imports: new ImportService(clock, events),
    exchange: new ExchangeService(clock),
    forkEntityManager: () => database.orm.em.fork(),
  };
}
