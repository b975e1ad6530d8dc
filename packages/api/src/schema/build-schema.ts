import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeScalar } from '../shared/graphql/date-time.scalar.js';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { auditMutations } from '../modules/audit/audit-mutations.js';
import type { AuditService } from '../modules/audit/audit.service.js';
import { createAuthChecker } from '../modules/auth/auth-checker.js';
import { ApiTokenResolver } from '../modules/auth/api-token.resolver.js';
import type { ApiTokenService } from '../modules/auth/api-token.service.js';
import { AppleEnrollmentResolver } from '../modules/apple-enrollment/apple-enrollment.resolver.js';
import type { AppleEnrollmentService } from '../modules/apple-enrollment/apple-enrollment.service.js';
import { BulkEnrollmentResolver } from '../modules/bulk-enrollment/bulk-enrollment.resolver.js';
import type { BulkEnrollmentService } from '../modules/bulk-enrollment/bulk-enrollment.service.js';
import { CatalogResolver } from '../modules/catalog/catalog.resolver.js';
import { CertificateEventResolver } from '../modules/certificate/certificate-event.resolver.js';
import { CertificateResolver } from '../modules/certificate/certificate.resolver.js';
import type { CertificateService } from '../modules/certificate/certificate.service.js';
import { CheckInResolver, DeviceCheckInResolver } from '../modules/check-in/check-in.resolver.js';
import type { CheckInService } from '../modules/check-in/check-in.service.js';
import { DeviceActionResolver } from '../modules/device-action/device-action.resolver.js';
import { AppleMdmDeviceResolver, MdmCommandResolver } from '../modules/apple-mdm/apple-mdm.resolver.js';
import type { DeviceActionService } from '../modules/device-action/device-action.service.js';
import { DeviceEventResolver } from '../modules/device/device-event.resolver.js';
import { DeviceResolver } from '../modules/device/device.resolver.js';
import type { DeviceService } from '../modules/device/device.service.js';
import { EnrollmentResolver } from '../modules/enrollment/enrollment.resolver.js';
import type { EnrollmentService } from '../modules/enrollment/enrollment.service.js';
import { DeviceCertificateResolver } from '../modules/certificate/device-certificate.resolver.js';
import { DeviceCertificatesLoader } from '../modules/certificate/device-certificates.loader.js';
import { MdmCertificateRemovalResolver } from '../modules/certificate/mdm-certificate-removal.resolver.js';
import { FleetInsightsResolver } from '../modules/fleet/fleet-insights.resolver.js';
import type { FleetInsightsService } from '../modules/fleet/fleet-insights.service.js';
import { FleetStatsResolver, fleetStatsBySchema } from '../modules/fleet/fleet-stats.resolver.js';
import type { FleetStatsService } from '../modules/fleet/fleet-stats.service.js';
import { LifecycleResolver } from '../modules/lifecycle/lifecycle.resolver.js';
import { MdmCertificateStatusResolver } from '../modules/lifecycle/mdm-certificate-status.resolver.js';
import type { LifecycleSweeper } from '../modules/lifecycle/lifecycle-sweeper.service.js';
import type { PerEventWork } from '../events/per-event.js';
import type { EventDevices } from '../modules/device/device-event.loader.js';
import { ExchangeResolver } from '../modules/exchange/exchange.resolver.js';
import { ImportedDevicesResolver } from '../modules/imported-devices/imported-devices.resolver.js';
import type { ImportedDevicesService } from '../modules/imported-devices/imported-devices.service.js';
import type { ExchangeService } from '../modules/exchange/exchange.service.js';
import { ImportResolver } from '../modules/imports/imports.resolver.js';
import type { ImportService } from '../modules/imports/imports.service.js';
import { RolloutResolver } from '../modules/rollout/rollout.resolver.js';
import type { RolloutService } from '../modules/rollout/rollout.service.js';
import { RestrictionResolver } from '../modules/restriction/restriction.resolver.js';
import type { RestrictionService } from '../modules/restriction/restriction.service.js';
import { EnrollmentInvitationResolver } from '../modules/enrollment-profile/enrollment-invitation.resolver.js';
import { PendingEnrollmentResolver } from '../modules/scep/pending-enrollment.resolver.js';
import type { EnrollmentInvitationService } from '../modules/enrollment-profile/enrollment-invitation.service.js';
import type { EnrollmentProfileService } from '../modules/enrollment-profile/enrollment-profile.service.js';
import type { ScepService } from '../modules/scep/scep.service.js';
import type { PendingEnrollmentService } from '../modules/scep/pending-enrollment.service.js';
import { refuseMalformedText } from './refuse-malformed-text.js';
import { UserResolver } from '../modules/user/user.resolver.js';
import type { UserService } from '../modules/user/user.service.js';

/** The services resolvers delegate to; built once per gateway by the composition root. */ import type { AppleMdmServices } from '../modules/apple-mdm/apple-mdm.services.js';

export interface Services {
  devices: DeviceService;
  enrollment: EnrollmentService;
  checkIns: CheckInService;
  tokens: ApiTokenService;
  audit: AuditService;
  certificates: CertificateService;
  sweeper: LifecycleSweeper;
  fleetStats: FleetStatsService;
  insights: FleetInsightsService;
  /** Enrollments, check-ins and failed enrollment attempts over time (the dashboard's rollout view). */
  rollout: RolloutService;
  /** Per-event EntityManager forks and loads shared by the event's subscribers. */
  perEvent: PerEventWork;
  /** The devices of subscription events: read as events arrive, batched, shared by subscribers. */
  eventDevices: EventDevices;
  users: UserService;
  restrictions: RestrictionService;
  apple: AppleEnrollmentService;
  bulk: BulkEnrollmentService;
  deviceActions: DeviceActionService;
  imports: ImportService;
  exchange: ExchangeService;
  importedDevices: ImportedDevicesService;
  /** Apple's MDM check-in and command protocol, and APNs. */
  appleMdm: AppleMdmServices;
  /** SCEP-issued certificates awaiting their device's check-in (the Apple check-in completes or refuses them). */
  pendingEnrollments: PendingEnrollmentService;
  /** Enrollment invitations: profile tokens and SCEP challenges with their binding. */
  invitations: EnrollmentInvitationService;
  /** Signed enrollment profiles (invitation links, DEP / USB-SA MachineInfo, USB-Direct exports). */
  enrollmentProfiles: EnrollmentProfileService;
  /** The SCEP server (RFC 8894). */
  scep: ScepService;
  /** A fresh EntityManager fork, for work that belongs to no request (subscription events). */
  forkEntityManager: () => EntityManager;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql keys resolvers by class
type ResolverClass = Function;

/** Every resolver class with how to construct it from the services. */
const resolverFactories = new Map<ResolverClass, (s: Services) => object>([
  [CatalogResolver, () => new CatalogResolver()],
  [DeviceResolver, (s) => new DeviceResolver(s.devices)],
  [DeviceEventResolver, (s) => new DeviceEventResolver(s.eventDevices)],
  [CertificateResolver, (s) => new CertificateResolver(s.certificates)],
  [DeviceCertificateResolver, () => new DeviceCertificateResolver(new DeviceCertificatesLoader())],
  [
    MdmCertificateRemovalResolver,
    (s) => new MdmCertificateRemovalResolver((notAfter) => s.insights.removalDate(notAfter)),
  ],
  [CertificateEventResolver, (s) => new CertificateEventResolver(s.perEvent, s.eventDevices)],
  [LifecycleResolver, (s) => new LifecycleResolver(s.sweeper)],
  [MdmCertificateStatusResolver, (s) => new MdmCertificateStatusResolver(s.sweeper)],
  [FleetStatsResolver, () => new FleetStatsResolver()],
  [EnrollmentResolver, (s) => new EnrollmentResolver(s.enrollment)],
  [CheckInResolver, (s) => new CheckInResolver(s.checkIns)],
  [ApiTokenResolver, (s) => new ApiTokenResolver(s.tokens)],
  [FleetInsightsResolver, (s) => new FleetInsightsResolver(s.insights)],
  [AuditResolver, (s) => new AuditResolver(s.audit)],
  [DeviceCheckInResolver, (s) => new DeviceCheckInResolver(s.checkIns)],
  [DeviceActionResolver, (s) => new DeviceActionResolver(s.deviceActions)],
  [AppleMdmDeviceResolver, (s) => new AppleMdmDeviceResolver(s.appleMdm.protocol)],
  [MdmCommandResolver, () => new MdmCommandResolver()],
  [RestrictionResolver, (s) => new RestrictionResolver(s.restrictions)],
  [AppleEnrollmentResolver, (s) => new AppleEnrollmentResolver(s.apple)],
  [BulkEnrollmentResolver, (s) => new BulkEnrollmentResolver(s.bulk)],
  [UserResolver, (s) => new UserResolver(s.users)],
  [ImportResolver, (s) => new ImportResolver(s.imports)],
  [ExchangeResolver, (s) => new ExchangeResolver(s.exchange)],
  [ImportedDevicesResolver, (s) => new ImportedDevicesResolver(s.importedDevices)],
  [RolloutResolver, (s) => new RolloutResolver(s.rollout)],
  [EnrollmentInvitationResolver, (s) => new EnrollmentInvitationResolver(s.invitations)],
  [PendingEnrollmentResolver, (s) => new PendingEnrollmentResolver(s.pendingEnrollments)],
]);

/**
 * Builds the executable type-graphql schema. Without `services` the schema can be printed but
 * not executed (that is how `emit-schema` writes schema.graphql).
 */
export async function buildGatewaySchema(services?: Services, pubSub?: PubSub): Promise<GraphQLSchema> {
  const instances = new Map<ResolverClass, object>();
  const schema = await buildSchema({
    resolvers: [...resolverFactories.keys()] as NonEmptyArray<ResolverClass>,
    container: {
      get(resolverClass: ResolverClass) {
        if (!services) throw new Error('schema built without services cannot execute');
        let instance = instances.get(resolverClass);
        if (!instance) {
          instance = resolverFactories.get(resolverClass)!(services);
          instances.set(resolverClass, instance);
        }
        return instance;
      },
    },
    // Printing needs a pub/sub too; one that is never used stands in for it.
    pubSub: pubSub ?? {
      publish() {},
      subscribe: () => {
        throw new Error('schema built without services cannot execute');
      },
    },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    // Without services (schema printing) nothing executes, so any checker will do.
    authChecker: services ? createAuthChecker(services.audit) : () => false,
  });
  if (services) {
    fleetStatsBySchema.set(schema, services.fleetStats);
    // First the text check, then the audit around it: refused malformed input is audited too.
    refuseMalformedText(schema);
    auditMutations(schema, services.audit);
  }
  return schema;
}

/** The schema as SDL, sorted so the committed file only changes when the schema does. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
