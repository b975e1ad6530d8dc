import type { Logger } from 'pino';
import type { SweepRecorder } from './observability/gateway-metrics.js';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { EventBus } from './events/event-bus.js';
import { createAppleMdmServices } from './modules/apple-mdm/apple-mdm.services.js';
import { UNDELIVERED_COMMAND_STATUSES } from './modules/apple-mdm/command-queue.service.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuditStore } from './modules/audit/audit.store.js';
import type { PushRecorder } from './modules/push/apns.push.js';
import { ApiTokenService } from './modules/auth/api-token.service.js';
import { ApiTokenStore } from './modules/auth/api-token.store.js';
import { PerEventWork } from './events/per-event.js';
import { CertificateService } from './modules/certificate/certificate.service.js';
import type { IssuingCa } from './modules/certificate/issuing-ca.js';
import { AppleEnrollmentService } from './modules/apple-enrollment/apple-enrollment.service.js';
import { BulkEnrollmentService } from './modules/bulk-enrollment/bulk-enrollment.service.js';
import { CheckInService, NOT_COMMON_PATH_STATES } from './modules/check-in/check-in.service.js';
import { CheckInStore } from './modules/check-in/check-in.store.js';
import { DeviceActionService } from './modules/device-action/device-action.service.js';
import { ExchangeService } from './modules/exchange/exchange.service.js';
import { ImportedDevicesService } from './modules/imported-devices/imported-devices.service.js';
import { ImportedDevicesStore } from './modules/imported-devices/imported-devices.store.js';
import { ImportsStore } from './modules/imports/imports.store.js';
import { ImportService } from './modules/imports/imports.service.js';
import { EventDevices } from './modules/device/device-event.loader.js';
import { DeviceService } from './modules/device/device.service.js';
import { DeviceStore } from './modules/device/device.store.js';
import { ENDED_STATES } from './modules/device/active-device.policy.js';
import { EnrollmentService } from './modules/enrollment/enrollment.service.js';
import { FleetInsightsService } from './modules/fleet/fleet-insights.service.js';
import { FleetStatsService } from './modules/fleet/fleet-stats.service.js';
import { LifecycleSweeper } from './modules/lifecycle/lifecycle-sweeper.service.js';
import { RolloutService } from './modules/rollout/rollout.service.js';
import { RolloutStore } from './modules/rollout/rollout.store.js';
import { RestrictionService } from './modules/restriction/restriction.service.js';
import type { ServiceCertificate } from './modules/certificate/service-certificate.js';
import { EnrollmentInvitationService } from './modules/enrollment-profile/enrollment-invitation.service.js';
import { EnrollmentProfileService } from './modules/enrollment-profile/enrollment-profile.service.js';
import { pushTopicOf } from './modules/enrollment-profile/push-topic.js';
import { ScepService } from './modules/scep/scep.service.js';
import { PendingEnrollmentService } from './modules/scep/pending-enrollment.service.js';
import { ScepPendingEnrollments } from './modules/scep/apple-pending-enrollments.js';
import { UserService } from './modules/user/user.service.js';
import { lifecyclePolicy } from './modules/lifecycle/lifecycle.policy.js';
import type { Services } from './schema/build-schema.js';
import type { Clock } from './shared/clock.js';

/** What the composition root needs besides configuration. */
export interface ServiceDependencies {
  database: Database;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  issuingCa: IssuingCa;
  /** The SCEP RA and the profile signer, issued from the CA (certificate/service-certificate.ts). */
  serviceCertificates: { scepRa: ServiceCertificate; profileSigner: ServiceCertificate };
  /** Told of every lifecycle sweep (metrics); optional. */
  sweepRecorder?: SweepRecorder;
  /** Told of every APNs push outcome (metrics); optional. */
  pushRecorder?: PushRecorder;
  /** Share per-event loads among an event's subscribers (default true; false is the benchmark baseline). */
  shareEventLoads?: boolean;
}

/** The composition root of the domain: every service, wired once per gateway. */
export function createServices(config: Config, deps: ServiceDependencies): Services {
  const { database, events, clock, logger } = deps;
  const forkEntityManager = () => database.orm.em.fork();
  const users = new UserService(clock);
  const certificates = new CertificateService(deps.issuingCa, config.certificates);
  const restrictions = new RestrictionService(clock);
  const apple = new AppleEnrollmentService(clock, config.enrollment.publicUrl);
  const bulk = new BulkEnrollmentService(clock, events, restrictions, certificates);
  const deviceActions = new DeviceActionService(clock, events);
  const lifecycle = lifecyclePolicy(config.certificates);
  const devices = new DeviceService(config.pagination, clock, lifecycle);
  const audit = new AuditService(clock, forkEntityManager, logger, new AuditStore());
  const invitations = new EnrollmentInvitationService(
    clock,
    users,
    deps.issuingCa.deviceTokenKey,
    config.enrollment.publicUrl,
  );
  const enrollmentProfiles = new EnrollmentProfileService(
    audit,
    apple,
    invitations,
    deps.serviceCertificates.profileSigner,
    deps.issuingCa.ca,
    {
      publicUrl: config.enrollment.publicUrl,
      organization: config.certificates.organization,
      topic: pushTopicOf(config.appleMdm.push.certificatePem, logger),
    },
    forkEntityManager,
  );
  apple.usbDirectProfile = (tx, profile, expiresDateTime) =>
    enrollmentProfiles.forUsbDirectExport(tx, profile, expiresDateTime, null);
  const perEvent = new PerEventWork(forkEntityManager, deps.shareEventLoads ?? true);
  const enrollment = new EnrollmentService(clock, events, {
    users,
    apple,
    bulk,
    restrictions,
    certificates,
    demDeviceLimit: config.enrollment.demDeviceLimit,
    proofMaxSkewSeconds: config.certificates.maxSkewSeconds,
  });
  const pendingEnrollments = new PendingEnrollmentService(certificates);
  const checkInStore = new CheckInStore(() => database.orm.em, NOT_COMMON_PATH_STATES, {
    endedStates: ENDED_STATES,
    undeliveredCommandStatuses: UNDELIVERED_COMMAND_STATUSES,
  });
  const appleMdm = createAppleMdmServices(config, {
    clock,
    events,
    logger,
    em: forkEntityManager,
    enrollment,
    certificates,
    deviceActions,
    audit,
    pushRecorder: deps.pushRecorder ?? { recordPush: () => undefined },
    pending: new ScepPendingEnrollments(pendingEnrollments),
    checkIns: checkInStore,
    renewalProfiles: enrollmentProfiles,
  });
  return {
    devices,
    certificates,
    enrollment,
    checkIns: new CheckInService(
      clock,
      events,
      certificates,
      config.certificates,
      deviceActions,
      checkInStore,
    ),
    sweeper: new LifecycleSweeper(
      clock,
      events,
      config.certificates,
      forkEntityManager,
      logger,
      deps.sweepRecorder,
    ),
    fleetStats: new FleetStatsService(
      events,
      forkEntityManager,
      clock,
      config.events.fleetStatsMinIntervalMs,
      logger,
      lifecycle,
    ),
    insights: new FleetInsightsService(clock, lifecycle),
    rollout: new RolloutService(clock, new RolloutStore()),
    perEvent,
    eventDevices: new EventDevices(perEvent, new DeviceStore(), forkEntityManager),
    tokens: new ApiTokenService(
      clock,
      forkEntityManager,
      config.auth.tokenCacheTtlMs,
      new ApiTokenStore(),
      events,
    ),
    audit,
    users,
    restrictions,
    apple,
    bulk,
    deviceActions,
    imports: new ImportService(clock, events, new ImportsStore(), !database.embedded),
    exchange: new ExchangeService(clock),
    importedDevices: new ImportedDevicesService(new ImportedDevicesStore(), config.pagination),
    appleMdm,
    pendingEnrollments,
    invitations,
    enrollmentProfiles,
    scep: new ScepService(
      clock,
      events,
      audit,
      certificates,
      invitations,
      deps.serviceCertificates.scepRa,
      forkEntityManager,
    ),
    forkEntityManager,
  };
}
