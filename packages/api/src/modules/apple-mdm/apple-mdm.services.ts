import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import type { DeviceActionService } from '../device-action/device-action.service.js';
import type { EnrollmentService } from '../enrollment/enrollment.service.js';
import { ApnsPusher, type PushRecorder } from '../push/apns.push.js';
import { PushService } from '../push/push.service.js';
import type { ProtocolRoute } from '../../server/protocol-route.js';
import type { CheckInStore } from '../check-in/check-in.store.js';
import { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import { checkInRoute } from './checkin.handler.js';
import { AppleCheckInService } from './checkin.service.js';
import { commandRoute } from './command.handler.js';
import { AppleCommandService } from './command-report.service.js';
import { MdmCommandQueue } from './command-queue.service.js';
import { DeviceProtocolService } from './device-protocol.service.js';
import { IdentityRenewalService, type RenewalProfiles } from './identity-renewal.service.js';
import { MdmCommandStore } from './mdm-command.store.js';
import type { PendingEnrollments } from './pending-enrollment.js';

/** Apple's MDM protocol, wired once per gateway. */
export interface AppleMdmServices {
  checkIn: AppleCheckInService;
  commands: AppleCommandService;
  queue: MdmCommandQueue;
  enrollments: AppleMdmEnrollmentStore;
  push: PushService;
  /** Protocol state, commands and Sync for the GraphQL API. */
  protocol: DeviceProtocolService;
  /** The check-in and server URL routes, for the HTTP edge. */
  routes(audit: AuditService): ProtocolRoute[];
}

/** Builds the protocol's services and connects device actions to the command queue. */
export function createAppleMdmServices(
  config: Config,
  deps: {
    clock: Clock;
    events: EventBus;
    logger: Logger;
    em: () => EntityManager;
    enrollment: EnrollmentService;
    certificates: CertificateService;
    deviceActions: DeviceActionService;
    audit: AuditService;
    pushRecorder: PushRecorder;
    pending?: PendingEnrollments | null;
    checkIns: CheckInStore;
    /** The re-sent enrollment profiles of identity renewals; absent: identities are not renewed over the protocol. */
    renewalProfiles?: RenewalProfiles | null;
  },
): AppleMdmServices {
  const enrollments = new AppleMdmEnrollmentStore();
  const commandStore = new MdmCommandStore();
  const queue = new MdmCommandQueue(deps.clock, commandStore, enrollments);
  const { push: pushConfig } = config.appleMdm;
  const pusher =
    pushConfig.certificatePem && pushConfig.keyPem
      ? new ApnsPusher(
          { ...pushConfig, certificatePem: pushConfig.certificatePem, keyPem: pushConfig.keyPem },
          deps.pushRecorder,
          deps.logger,
        )
      : null;
  if (!pusher)
    deps.logger.info(
      'APNs: no push certificate (APNS_CERT_*): Apple devices get their commands at their next check-in',
    );
  const push = new PushService(pusher, enrollments, deps.em, deps.pushRecorder, deps.logger);
  queue.wakeWith(push);
  deps.deviceActions.sendCommandsWith(queue);
  const renewal = new IdentityRenewalService({
    profiles: deps.renewalProfiles ?? null,
    pending: deps.pending ?? null,
    certificates: deps.certificates,
    commands: queue,
  });
  const checkIn = new AppleCheckInService(deps.clock, deps.events, {
    enrollment: deps.enrollment,
    certificates: deps.certificates,
    enrollments,
    commands: queue,
    audit: deps.audit,
    logger: deps.logger,
    pending: deps.pending ?? null,
    userChannels: false,
    renewal,
  });
  const commands = new AppleCommandService(deps.clock, deps.events, {
    certificates: deps.certificates,
    deviceActions: deps.deviceActions,
    enrollments,
    commands: queue,
    checkIns: deps.checkIns,
    config: config.certificates,
    renewal,
  });
  return {
    checkIn,
    commands,
    queue,
    enrollments,
    push,
    protocol: new DeviceProtocolService(enrollments, commandStore, push),
    routes: (audit) => {
      const handlerDeps = {
        em: deps.em,
        clock: deps.clock,
        authentication: () => ({
          caCertificatePem: deps.certificates.authority.ca.certificatePem,
          clientCertificateHeader: config.appleMdm.clientCertificateHeader,
        }),
        audit,
        logger: deps.logger,
      };
      return [checkInRoute(checkIn, handlerDeps), commandRoute(commands, handlerDeps)];
    },
  };
}
