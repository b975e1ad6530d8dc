import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import type { AppleEnrollmentService } from '../apple-enrollment/apple-enrollment.service.js';
import {
  AppleProfileKind,
  type AppleEnrollmentProfile,
} from '../apple-enrollment/enrollment-profile.entity.js';
import type { BulkEnrollmentService } from '../bulk-enrollment/bulk-enrollment.service.js';
import type { CertificateService, IssuedCredential } from '../certificate/certificate.service.js';
import { findEnrollmentMethod } from '../catalog/enrollment-method.catalog.js';
import { EnrollmentMethodKind as M, Requirement } from '../catalog/enrollment-method-kind.enum.js';
import { hardwareMatchOf } from '../corporate-identifier/corporate-identifier.matching.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { toCheckInCertificate, verifyPossession } from '../check-in/device-possession.js';
import { ExchangeStore } from '../exchange/exchange.store.js';
import { DeviceActionKind, DeviceActionState } from '../device-action/device-action.entity.js';
import { cancelPendingActions, record as actionRecord } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { isPlaceholderHardwareId } from '../device/placeholder-hardware-id.js';
import type { ScopedCaller } from '../auth/device-scope.policy.js';
import { Role } from '../auth/role.enum.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { ACTIVE_STATES, isActiveDevice } from '../device/active-device.policy.js';
import { demDeviceCapReached } from './device-limits.policy.js';
import { countsAgainstDeviceLimit, type RestrictionService } from '../restriction/restriction.service.js';
import type { User } from '../user/user.entity.js';
import type { UserService } from '../user/user.service.js';
import {
  ActingUserMismatchError,
  DemDeviceLimitError,
  DemNotAllowedError,
  EnrollmentConflictError,
  HardwareHeldError,
  MethodNotAvailableError,
} from './enrollment.errors.js';
import { disclosedPreviousUser, mayReEnroll } from './re-enrollment.policy.js';
import { enrollDeviceSchema, type EnrollDeviceCommand } from './enrollment.input.js';
import { checkMethodInputs, checkUserAffinity, effectiveAffinity, resetsDevice } from './enrollment.rules.js';
import { planEnrollment, planExchange } from './enrollment-plan.policy.js';
import { EnrollmentStore } from './enrollment.store.js';

/** States in which a record still stands for live hardware (device/active-device.policy.ts). */
export { ACTIVE_STATES };

/** The other services enrollment consults; all are stateless and share the caller's transaction. */
export interface EnrollmentDependencies {
  users: UserService;
  apple: AppleEnrollmentService;
  bulk: BulkEnrollmentService;
  restrictions: RestrictionService;
  /** Device enrollment manager cap (DEM_DEVICE_LIMIT, default 1000). */
  demDeviceLimit: number;
  /** Issues the MDM certificate of every enrollment. */
  certificates: CertificateService;
  /** Clock skew a device proof may have (CHECK_IN_MAX_SKEW_SECONDS); default 300. */
  proofMaxSkewSeconds?: number;
}

/** An enrolled device and the MDM certificate credential issued to it. */
export interface EnrollmentOutcome {
  device: ManagedDevice;
  credential: IssuedCredential;
  /**
   * The record this enrollment reused, as it was before (null or absent for a new record): the
   * hardware (serial number or IMEI) already had one, so an integrator can tell a re-enrollment,
   * and a device changing hands, from a first enrollment.
   */
  previous?: PreviousEnrollment | null;
  /**
   * Called inside the caller's transaction (`em` already in one): the `deviceEnrolled` event the
   * caller publishes once that transaction commits (subscribers read the device when the event
   * arrives, so it must not go out before the record is visible). Absent otherwise: published here.
   */
  unpublished?: PendingEvent[];
}

/** What a reused record was before its re-enrollment. */
export interface PreviousEnrollment {
  managementState: ManagementState;
  /**
   * Its user's UPN; null when it was userless (or lost its user in a reset), and null as well
   * when the caller may not learn it (re-enrollment.policy.ts `disclosedPreviousUser`).
   */
  userPrincipalName: string | null;
}

/** What the method's pre-registration contributed: the Apple profile, the DEM account. */
interface Grant {
  profile: AppleEnrollmentProfile | null;
  enrollmentManager: User | null;
}

/** The statements enrollment runs itself (stateless stores). */
export interface EnrollmentStores {
  enrollments: EnrollmentStore;
  exchange: ExchangeStore;
}

/** Enrolls devices according to the seed's method tables. */
export class EnrollmentService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly deps: EnrollmentDependencies,
    private readonly stores: EnrollmentStores = {
      enrollments: new EnrollmentStore(),
      exchange: new ExchangeStore(),
    },
  ) {}

  /**
   * Enrolls one device with a method of its platform's seed table, applying that row's rules:
   * pre-registration (DEP/Configurator serial and profile, USB-Direct export, bulk token, DEM
   * account and cap), user affinity (OPTIONAL from the profile), ownership, restrictions, reset
   * and locked. Re-enrolling hardware that has a record (same platform and serial number, or IMEI)
   * reuses that record's id; the database's partial unique indexes keep one active record per
   * hardware even under concurrent enrollments. Firmware placeholders ("Default string", all
   * zeros: device/placeholder-hardware-id.ts) never identify hardware: they match no record, no
   * corporate identifier and no Autopilot registration, and are not recorded as the device's
   * serial number or IMEI. Hardware another user holds actively is re-enrolled only as
   * re-enrollment.policy.ts allows.
   * @param caller the token's principal (null: the gateway itself); a user token enrolls for its
   *   own user only. A bare string is taken as a user token's user principal name.
   * @param presentedCertificatePem an identity certificate this CA already issued to the device
   *   (SCEP, before Apple's "Authenticate"): the enrollment records it instead of issuing one;
   *   the caller has checked that it chains to the CA
   * @param invited USB-Direct through Apple's protocol: the export's profile the device's
   *   enrollment invitation bound, granted instead of a `profileExportToken`
   * @param appleUserEnrollment the device enrolls through Apple's User Enrollment (an
   *   EnrollmentID, no UDID): its `enrollmentType` is `appleUserEnrollment`; default false
   * @returns the outcome; inside the caller's transaction with `unpublished`, the event to publish after its commit
   * @throws InputValidationError for bad input; ActingUserMismatchError (a user token naming another user); MethodNotAvailableError; UserAffinityError;
   *   PrerequisiteMissingError; DemNotAllowedError; DemDeviceLimitError; EnrollmentRestrictedError;
   *   EnrollmentConflictError when a concurrent enrollment of the same hardware committed first;
   *   HardwareHeldError when another user holds the hardware actively
   */
  async enroll(
    em: EntityManager,
    input: unknown,
    caller: ScopedCaller | string | null = null,
    presentedCertificatePem: string | null = null,
    invited: InvitedProfile | null = null,
    appleUserEnrollment = false,
  ): Promise<EnrollmentOutcome> {
    const principal: ScopedCaller | null =
      typeof caller === 'string' ? { role: Role.ENROLLER, userPrincipalName: caller } : caller;
    const actingFor = principal?.userPrincipalName ?? null;
    const command = validateInput(enrollDeviceSchema, input, 'input');
    const row = findEnrollmentMethod(command.platform, command.method);
    if (!row) throw new MethodNotAvailableError(command.platform, command.method);
    if (actingFor) {
      // A user token enrolls for its own user: the UPN defaults to it and may not differ.
      if (row.userAffinity === Requirement.NO) throw new ActingUserMismatchError(actingFor, null);
      if (command.userPrincipalName && command.userPrincipalName !== actingFor)
        throw new ActingUserMismatchError(actingFor, command.userPrincipalName);
      command.userPrincipalName = actingFor;
    }
    checkMethodInputs(command);

    const now = this.clock.now();
    // Placeholders identify nothing: matching, corporate identifiers, the record and its
    // certificate see none. Every use of the hardware ids below goes through `identified`.
    const identified = { ...command, ...identifyingHardware(command) };
    // The record and certificate of a device that turns out to be new are built before the
    // transaction (key pair and signature are most of an enrollment's CPU), so the transaction
    // holds its connection and the user's lock only for its statements. A re-enrollment discards
    // them and issues inside, as before.
    const fresh = new ManagedDevice();
    fresh.deviceName = command.deviceName;
    fresh.serialNumber = identified.serialNumber;
    const prepared = this.deps.certificates.prepare(fresh, now, command.csr);
    let device: ManagedDevice;
    let credential: IssuedCredential;
    let previous: PreviousEnrollment | null;
    try {
      ({ device, credential, previous } = await em.transactional(async (tx) => {
        const grant = await this.grant(tx, command, now, invited);
        checkUserAffinity(effectiveAffinity(row, grant.profile), command);
        // One statement for what does not depend on the decisions below: the corporate
        // identifiers matching the hardware are marked `enrolled` (their enrollmentState becomes
        // current whatever else is known), whether the hardware has records, the restrictions,
        // and the user. The user is created or kept with an INSERT ... ON CONFLICT DO UPDATE,
        // which leaves the user's row locked until commit, exactly as a SELECT ... FOR UPDATE
        // would: one user's enrollments are serialized, so the device limit cannot be overrun by a
        // race. The hardware is read in the statement's snapshot, before that lock is waited for:
        // an enrollment of the same hardware committed meanwhile makes this one's insert fail
        // with ENROLLMENT_CONFLICT (the partial unique indexes), rather than re-enroll the record
        // just created.
        const opened = await this.stores.enrollments.open(
          tx,
          command.platform,
          hardwareMatchOf(identified),
          command.userPrincipalName ?? null,
          now,
        );
        const { restrictions, user } = opened;
        if (command.replacesDeviceId) await this.retireReplaced(tx, command.replacesDeviceId, user, now);
        const existing = opened.hasRecords
          ? await this.stores.enrollments.recordOfHardware(tx, identified)
          : null;
        const reset = resetsDevice(row);
        const allowed = mayReEnroll({
          existing: existing && {
            active: isActiveDevice(existing.managementState),
            userId: existing.user?.id ?? null,
          },
          userId: user?.id ?? null,
          resetsDevice: reset,
          provenByDevice: existing ? await this.provenByDevice(tx, existing, command, now) : false,
          caller: principal,
        });
        if (!allowed) throw new HardwareHeldError();
        if (grant.enrollmentManager) await this.checkDemCap(tx, grant.enrollmentManager, existing);

        const plan = planEnrollment({
          row,
          joinType: command.joinType,
          profile: grant.profile,
          hasUser: user !== null,
          identified: opened.identified,
          autopilotRegistered: opened.autopilotRegistered,
          appleUserEnrollment,
        });
        const ownerType = plan.managedDeviceOwnerType;
        const subject = {
          platform: command.platform,
          method: command.method,
          osVersion: command.osVersion,
          ownerType,
          user,
          reusedDeviceId: existing?.id ?? null,
        };
        // A new record (the hot path) is counted against the user's device limit by the
        // statement that inserts it, after this user's lock was taken; the limit is checked on
        // that count before commit (a refusal rolls the insert back). Otherwise counted here.
        const countedOnInsert = !existing && !presentedCertificatePem;
        if (countedOnInsert) this.deps.restrictions.checkPlatform(subject, restrictions);
        else await this.deps.restrictions.check(tx, subject, restrictions);

        const record = existing ?? fresh;
        const previous = existing
          ? {
              managementState: existing.managementState,
              userPrincipalName: disclosedPreviousUser(
                principal,
                existing.user?.unwrap().userPrincipalName ?? null,
                user?.userPrincipalName ?? null,
              ),
            }
          : null;
        if (existing) await this.startClean(tx, existing, identified, reset, now);
        tx.assign(record, {
          ...plan,
          deviceName: command.deviceName,
          osVersion: command.osVersion,
          model: command.model,
          manufacturer: command.manufacturer,
          serialNumber: identified.serialNumber ?? record.serialNumber,
          imei: identified.imei ?? record.imei,
          enrolledDateTime: now,
          lastSyncDateTime: now,
          user,
          enrollmentManager: grant.enrollmentManager,
        });
        const linked = command.easDeviceId
          ? await this.stores.exchange.linkPartnership(tx, command.easDeviceId, record.id)
          : false;
        tx.assign(record, planExchange(command.easDeviceId ?? null, linked));
        // Every enrollment issues the MDM certificate in the same transaction (a reused
        // record's previous certificate is revoked by the issuance). A new record is written with
        // its first certificate in one statement (the enrollment hot path).
        let credential: IssuedCredential;
        if (presentedCertificatePem) {
          tx.persist(record);
          await tx.flush();
          credential = await this.deps.certificates.adopt(tx, record, presentedCertificatePem, now);
        } else if (existing) {
          tx.persist(record);
          credential = await this.deps.certificates.issue(tx, record, now, command.csr);
        } else {
          try {
            credential = await this.deps.certificates.newDeviceCredential(
              record,
              now,
              command.csr,
              undefined,
              prepared,
            );
          } catch (error) {
            // Refusals keep their order: a device limit reached is reported before a refused CSR.
            await this.deps.restrictions.check(tx, subject, restrictions);
            throw error;
          }
          const counted = await this.stores.enrollments.insertNewDevice(
            tx,
            record,
            credential.certificate,
            countsAgainstDeviceLimit(subject) ? subject.user.id : null,
          );
          this.deps.restrictions.checkDeviceLimit(subject, restrictions, counted);
        }
        if (reset)
          tx.persist(
            actionRecord(
              record.id,
              DeviceActionKind.resetDuringEnrollment,
              DeviceActionState.done,
              null,
              now,
            ),
          );
        return { device: record, credential, previous };
      }));
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EnrollmentConflictError();
      throw error;
    }
    const enrolled: PendingEvent[] = [
      { topic: Topic.DeviceEnrolled, payload: toDeviceEventPayload(device, now) },
    ];
    if (em.isInTransaction()) return { device, credential, previous, unpublished: enrolled };
    void this.events.publishCommitted(enrolled);
    return { device, credential, previous };
  }

  /** The method's pre-registration, checked inside the enrollment transaction. */
  private async grant(
    tx: EntityManager,
    command: EnrollDeviceCommand,
    now: Date,
    invited: InvitedProfile | null,
  ): Promise<Grant> {
    switch (command.method) {
      case M.DEP:
        return {
          profile: (await this.deps.apple.grantForSerial(tx, AppleProfileKind.DEP, command.serialNumber))
            .profile,
          enrollmentManager: null,
        };
      case M.USB_SA:
        return {
          profile: (await this.deps.apple.grantForSerial(tx, AppleProfileKind.USB_SA, command.serialNumber))
            .profile,
          enrollmentManager: null,
        };
      case M.USB_DIRECT:
        return {
          profile: (invited && !command.profileExportToken
            ? await this.deps.apple.grantForExportedProfile(tx, invited.profileId, invited.validUntil, now)
            : await this.deps.apple.grantForExport(tx, command.profileExportToken, now)
          ).profile,
          enrollmentManager: null,
        };
      case M.BULK_ENROLL:
        await this.deps.bulk.requireValid(tx, command.bulkEnrollmentToken, now);
        return { profile: null, enrollmentManager: null };
      case M.DEM: {
        const upn = command.enrollmentManagerUserPrincipalName!;
        // Locked: one DEM's enrollments are serialized, so its cap holds under concurrency.
        const manager = await this.deps.users.lockByUserPrincipalName(tx, upn);
        if (!manager?.isDeviceEnrollmentManager)
          throw new DemNotAllowedError(`${upn} is not a device enrollment manager account`);
        return { profile: null, enrollmentManager: manager };
      }
      default:
        return { profile: null, enrollmentManager: null };
    }
  }

  /**
   * Whether the enrollment carries the device's proof of possession of the credential of the
   * record's current certificate (not revoked: a re-enrollment revokes it, so a proof serves once).
   */
  private async provenByDevice(
    tx: EntityManager,
    existing: ManagedDevice,
    command: EnrollDeviceCommand,
    now: Date,
  ): Promise<boolean> {
    const proof = command.deviceProof;
    if (!proof) return false;
    const entity = await this.deps.certificates.bySerialNumber(tx, proof.certificateSerialNumber);
    if (!entity || entity.status === MdmCertificateStatus.revoked) return false;
    const result = verifyPossession(
      existing.id,
      proof,
      toCheckInCertificate(entity),
      {
        caCertificatePem: this.deps.certificates.authority.ca.certificatePem,
        maxSkewSeconds: this.deps.proofMaxSkewSeconds ?? 300,
        hmacMatches: (thumbprint, input, signature) =>
          this.deps.certificates.hmacMatches(thumbprint, input, signature),
      },
      now,
    );
    return result.ok;
  }

  /** Seed: a DEM account has at most DEM_DEVICE_LIMIT (1,000) enrolled devices; re-enrolling one of them does not add one. */
  private async checkDemCap(tx: EntityManager, manager: User, existing: ManagedDevice | null): Promise<void> {
    const count = await this.stores.enrollments.countForDemCap(tx, manager.id, existing?.id ?? null);
    if (demDeviceCapReached(count, this.deps.demDeviceLimit))
      throw new DemDeviceLimitError(manager.userPrincipalName, this.deps.demDeviceLimit);
  }

  /**
   * A BYOD device without a stable hardware id re-enrolls as a new record; its previous record
   * (same user) is retired, with the reason in its action history.
   * @throws NotFoundError when the previous record does not exist or belongs to another user
   */
  private async retireReplaced(
    tx: EntityManager,
    deviceId: string,
    user: User | null,
    now: Date,
  ): Promise<void> {
    const previous = await this.stores.enrollments.lockDevice(tx, deviceId);
    if (!previous || !user || previous.user?.id !== user.id)
      throw new NotFoundError('ManagedDevice', deviceId);
    await cancelPendingActions(tx, previous.id, now);
    previous.managementState = ManagementState.retired;
    tx.persist(
      actionRecord(previous.id, DeviceActionKind.replacedByReenrollment, DeviceActionState.done, null, now),
    );
  }

  /**
   * Before a record is re-enrolled: pending actions are cancelled (the device came back under a
   * new enrollment). With "Reset Required" (seed) the hardware was factory reset: every earlier
   * record of it loses its user too, and the reset is recorded on the new enrollment. A wiped or
   * retired record also starts clean: nothing of its previous enrollment is carried over, because
   * `enroll` assigns every enrollment field afresh.
   */
  private async startClean(
    tx: EntityManager,
    record: ManagedDevice,
    command: EnrollDeviceCommand,
    reset: boolean,
    now: Date,
  ): Promise<void> {
    await cancelPendingActions(tx, record.id, now);
    if (reset) await this.stores.enrollments.detachOtherRecords(tx, command, record.id);
  }
}

/**
 * The hardware ids of an enrollment that identify hardware: its serial number and IMEI, each null
 * when absent or a firmware placeholder (device/placeholder-hardware-id.ts).
 */
export function identifyingHardware(ids: { serialNumber: string | null; imei: string | null }): {
  serialNumber: string | null;
  imei: string | null;
} {
  const real = (id: string | null) => (id !== null && !isPlaceholderHardwareId(id) ? id : null);
  return { serialNumber: real(ids.serialNumber), imei: real(ids.imei) };
}

/**
 * The Apple enrollment profile an enrollment invitation bound (a USB-Direct `.mobileconfig`
 * export), for a device enrolling through Apple's protocol, which carries no export token: it
 * stands in for `profileExportToken`.
 */
export interface InvitedProfile {
  profileId: string;
  /** The invitation's (the export's) expiry. */
  validUntil: Date;
}
