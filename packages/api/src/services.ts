import type { Logger } from 'pino';
import type { SweepRecorder } from './observability/gateway-metrics.js';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { EventBus } from './events/event-bus.js';
import { AuditService } from './modules/audit/audit.service.js';
import { ApiTokenService } from './modules/auth/api-token.service.js';
import { PerEventWork } from './events/per-event.js';
import { CertificateService } from './modules/certificate/certificate.service.js';
import type { IssuingCa } from './modules/certificate/issuing-ca.js';
import { CheckInService } from './modules/check-in/check-in.service.js';
import { DeviceService } from './modules/device/device.service.js';
import { EnrollmentService } from './modules/enrollment/enrollment.service.js';
import { FleetStatsService } from './modules/fleet/fleet-stats.service.js';
import { LifecycleSweeper } from './modules/lifecycle/lifecycle-sweeper.service.js';
import { UserService } from './modules/user/user.service.js';
import type { Services } from './schema/build-schema.js';
import type { Clock } from './shared/clock.js';

/** What the composition root needs besides configuration. */
export interface ServiceDependencies {
  database: Database;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  issuingCa: IssuingCa;
  /** Told of every lifecycle sweep (metrics); optional. */
  sweepRecorder?: SweepRecorder;
  /** Share per-event loads among an event's subscribers (default true; false is the benchmark baseline). */
  shareEventLoads?: boolean;
}

/** The composition root of the domain: every service, wired once per gateway. */
export function createServices(config: Config, deps: ServiceDependencies): Services {
  const { database, events, clock, logger } = deps;
  const forkEntityManager = () => database.orm.em.fork();
  const users = new UserService();
  const certificates = new CertificateService(deps.issuingCa, config.certificates);
  return {
    devices: new DeviceService(config.pagination),
    certificates,
    enrollment: new EnrollmentService(clock, events, users, certificates),
    checkIns: new CheckInService(clock, events, certificates, config.certificates),
    sweeper: new LifecycleSweeper(clock, events, config.certificates, forkEntityManager, logger, deps.sweepRecorder),
    fleetStats: new FleetStatsService(events, forkEntityManager, clock, config.events.fleetStatsMinIntervalMs, logger),
    perEvent: new PerEventWork(forkEntityManager, deps.shareEventLoads ?? true),
    tokens: new ApiTokenService(clock, forkEntityManager, config.auth.tokenCacheTtlMs),
    audit: new AuditService(clock, forkEntityManager, logger),
    forkEntityManager,
  };
}
