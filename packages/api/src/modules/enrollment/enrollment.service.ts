import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
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
import { operatingSystemName } from '../catalog/platform.enum.js';
import { recognizeHardware } from '../corporate-identifier/corporate-identifier.matching.js';
import { linkEasPartnership } from '../exchange/eas-link.js';
import { DeviceActionKind, DeviceActionState } from '../device-action/device-action.entity.js';
import { cancelPendingActions, record as actionRecord } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import { ManagedDeviceOwnerType, ManagementAgent, ManagementState } from '../device/device.enums.js';
import type { RestrictionService } from '../restriction/restriction.service.js';
import { User } from '../user/user.entity.js';
import type { UserService } from '../user/user.service.js';
import {
  ActingUserMismatchError,
  DemDeviceLimitError,
  DemNotAllowedError,
  EnrollmentConflictError,
  MethodNotAvailableError,
} from './enrollment.errors.js';
import { enrollDeviceSchema, type EnrollDeviceCommand } from './enrollment.input.js';
import {
  checkMethodInputs,
  checkUserAffinity,
  deviceEnrollmentTypeFor,
  effectiveAffinity,
  isLocked,
  isSupervised,
  managementCapabilities,
  ownerTypeFor,
  resetsDevice,
} from './enrollment.rules.js';

/** States in which a record still stands for live hardware. */
export const ACTIVE_STATES = [
  ManagementState.managed,
  ManagementState.retirePending,
  ManagementState.wipePending,
  ManagementState.deletePending,
];

/** The other services enrollment consults; all are stateless and share the caller's transaction. */
export interface EnrollmentDependencies {
  users: UserService;
  apple: AppleEnrollmentService;
  bulk: BulkEnrollmentService;
  restrictions: RestrictionService;
  /** Device enrollment manager cap (DEM_DEVICE_LIMIT, default 1000). */
  demDeviceLimit: number;
  /** Issues the MDM certificate of every enrollment (issue 5). */
  certificates: CertificateService;
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
}

/** What a reused record was before its re-enrollment. */
export interface PreviousEnrollment {
  managementState: ManagementState;
  /** Its user's UPN; null when it was userless (or lost its user in a reset). */
  userPrincipalName: string | null;
}

/** What the method's pre-registration contributed: the Apple profile, the DEM account. */
interface Grant {
  profile: AppleEnrollmentProfile | null;
  enrollmentManager: User | null;
}

/** Enrolls devices according to the seed's method tables. */
export class EnrollmentService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly deps: EnrollmentDependencies,
  ) {}

  /**
   * Enrolls one device with a method of its platform's seed table, applying that row's rules:
   * pre-registration (DEP/Configurator serial and profile, USB-Direct export, bulk token, DEM
   * account and cap), user affinity (OPTIONAL from the profile), ownership, restrictions, reset
   * and locked. Re-enrolling hardware that has a record (same platform and serial number, or IMEI)
   * reuses that record's id; the database's partial unique indexes keep one active record per
   * hardware even under concurrent enrollments.
   * @param actingFor the user principal name of a user token: the enrollment is for that user only
   * @throws InputValidationError for bad input; ActingUserMismatchError (a user token naming another user); MethodNotAvailableError; UserAffinityError;
   *   PrerequisiteMissingError; DemNotAllowedError; DemDeviceLimitError; EnrollmentRestrictedError;
   *   EnrollmentConflictError when a concurrent enrollment of the same hardware committed first
   */
  async enroll(
    em: EntityManager,
    input: unknown,
    actingFor: string | null = null,
  ): Promise<EnrollmentOutcome> {
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
    // The record and certificate of a device that turns out to be new are built before the
    // transaction (key pair and signature are most of an enrollment's CPU), so the transaction
    // holds its connection and the user's lock only for its statements. A re-enrollment discards
    // them and issues inside, as before.
    const fresh = new ManagedDevice();
    fresh.deviceName = command.deviceName;
    fresh.serialNumber = command.serialNumber ?? null;
    const prepared = this.deps.certificates.prepare(fresh, now, command.csr);
    let device: ManagedDevice;
    let credential: IssuedCredential;
    let previous: PreviousEnrollment | null;
    try {
      ({ device, credential, previous } = await em.transactional(async (tx) => {
        const grant = await this.grant(tx, command, now);
        checkUserAffinity(effectiveAffinity(row, grant.profile), command);
        // What does not depend on the user is read (and written) before the user's row is locked below,
        // so concurrent enrollments of one user wait for each other over fewer round trips (issue 8).
        const restrictions = await this.deps.restrictions.load(tx);
        // Matching identifiers' enrollmentState becomes current whatever else is known. Whether the
        // hardware has records is read before the user's lock too: an enrollment of the same
        // hardware committed meanwhile makes this one's insert fail with ENROLLMENT_CONFLICT (the
        // partial unique indexes), rather than re-enroll the record just created.
        const hardware = await recognizeHardware(tx, command, now);
        const corporate = hardware.identified || hardware.autopilotRegistered;
        // Serializes one user's enrollments, so the device limit cannot be overrun by a race: `ensure`
        // is an INSERT ... ON CONFLICT DO UPDATE, which leaves the user's row locked (inserted or
        // updated by this transaction) until commit, exactly as a SELECT ... FOR UPDATE would.
        const user = command.userPrincipalName
          ? await this.deps.users.ensure(tx, command.userPrincipalName, now)
          : null;
        if (command.replacesDeviceId) await this.retireReplaced(tx, command.replacesDeviceId, user, now);
        const existing = hardware.hasRecords ? await findHardware(tx, command) : null;
        if (grant.enrollmentManager) await this.checkDemCap(tx, grant.enrollmentManager, existing);

        const methodOwner = ownerTypeFor(command.method, command.joinType);
        const ownerType = corporate ? ManagedDeviceOwnerType.company : methodOwner;
        await this.deps.restrictions.check(
          tx,
          {
            platform: command.platform,
            method: command.method,
            osVersion: command.osVersion,
            ownerType,
            user,
            reusedDeviceId: existing?.id ?? null,
          },
          restrictions,
        );

        const reset = resetsDevice(row);
        const record = existing ?? fresh;
        const previous = existing
          ? {
              managementState: existing.managementState,
              userPrincipalName: existing.user?.unwrap().userPrincipalName ?? null,
            }
          : null;
        if (existing) await startClean(tx, existing, command, reset, now);
        tx.assign(record, {
          deviceName: command.deviceName,
          platform: command.platform,
          operatingSystem: operatingSystemName[command.platform],
          osVersion: command.osVersion,
          model: command.model,
          manufacturer: command.manufacturer,
          serialNumber: command.serialNumber ?? record.serialNumber,
          imei: command.imei ?? record.imei,
          managedDeviceOwnerType: ownerType,
          enrollmentMethod: command.method,
          enrollmentType: deviceEnrollmentTypeFor(row, user !== null),
          managementState: ManagementState.managed,
          enrolledDateTime: now,
          lastSyncDateTime: now,
          user,
          enrollmentManager: grant.enrollmentManager,
          isSupervised: isSupervised(command.method, grant.profile),
          lockedEnrollment: isLocked(row, grant.profile),
          resetDuringEnrollment: reset,
          kioskMode: grant.profile?.kioskModeEnabled ?? false,
          joinType: command.joinType,
          ...managementCapabilities(command.method),
        });
        if (command.easDeviceId) {
          const linked = await linkEasPartnership(tx, command.easDeviceId, record.id);
          tx.assign(record, {
            easDeviceId: command.easDeviceId,
            easActivated: linked,
            managementAgent: linked ? ManagementAgent.easMdm : ManagementAgent.mdm,
          });
        } else {
          tx.assign(record, { easDeviceId: null, easActivated: false, managementAgent: ManagementAgent.mdm });
        }
        // Issue 5: every enrollment issues the MDM certificate in the same transaction (a reused
        // record's previous certificate is revoked by the issuance). A new record is written with
        // its first certificate in one statement (issue 8: the enrollment hot path).
        let credential: IssuedCredential;
        if (existing) {
          tx.persist(record);
          credential = await this.deps.certificates.issue(tx, record, now, command.csr);
        } else {
          credential = await this.deps.certificates.issueToNewDevice(
            tx,
            record,
            now,
            command.csr,
            undefined,
            prepared,
          );
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
    void this.events.publishCommitted([
      { topic: Topic.DeviceEnrolled, payload: toDeviceEventPayload(device, now) },
    ]);
    return { device, credential, previous };
  }

  /** The method's pre-registration, checked inside the enrollment transaction. */
  private async grant(tx: EntityManager, command: EnrollDeviceCommand, now: Date): Promise<Grant> {
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
          profile: (await this.deps.apple.grantForExport(tx, command.profileExportToken, now)).profile,
          enrollmentManager: null,
        };
      case M.BULK_ENROLL:
        await this.deps.bulk.requireValid(tx, command.bulkEnrollmentToken, now);
        return { profile: null, enrollmentManager: null };
      case M.DEM: {
        const upn = command.enrollmentManagerUserPrincipalName!;
        // Locked: one DEM's enrollments are serialized, so its cap holds under concurrency.
        const manager = await tx.findOne(
          User,
          { userPrincipalName: upn },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!manager?.isDeviceEnrollmentManager)
          throw new DemNotAllowedError(`${upn} is not a device enrollment manager account`);
        return { profile: null, enrollmentManager: manager };
      }
      default:
        return { profile: null, enrollmentManager: null };
    }
  }

  /** Seed: a DEM account has at most DEM_DEVICE_LIMIT (1,000) enrolled devices; re-enrolling one of them does not add one. */
  private async checkDemCap(tx: EntityManager, manager: User, existing: ManagedDevice | null): Promise<void> {
    const count = await tx.count(ManagedDevice, {
      enrollmentManager: manager.id,
      managementState: { $in: ACTIVE_STATES },
      ...(existing ? { id: { $ne: existing.id } } : {}),
    });
    if (count >= this.deps.demDeviceLimit)
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
    const previous = await tx.findOne(ManagedDevice, deviceId, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!previous || !user || previous.user?.id !== user.id)
      throw new NotFoundError('ManagedDevice', deviceId);
    await cancelPendingActions(tx, previous.id, now);
    previous.managementState = ManagementState.retired;
    tx.persist(
      actionRecord(previous.id, DeviceActionKind.replacedByReenrollment, DeviceActionState.done, null, now),
    );
  }
}

/**
 * The record of the same hardware to re-enroll (identity is reused): the active one if any,
 * otherwise the most recent retired or wiped one. Null for a device without hardware ids. Called
 * only when `recognizeHardware` found records of it.
 */
async function findHardware(tx: EntityManager, command: EnrollDeviceCommand): Promise<ManagedDevice | null> {
  const ids = [
    ...(command.serialNumber ? [{ platform: command.platform, serialNumber: command.serialNumber }] : []),
    ...(command.imei ? [{ imei: command.imei }] : []),
  ];
  if (ids.length === 0) return null;
  const found = await tx.find(
    ManagedDevice,
    { $or: ids },
    { populate: ['user'], orderBy: { enrolledDateTime: 'desc' }, limit: 10 },
  );
  return found.find((d) => ACTIVE_STATES.includes(d.managementState)) ?? found[0] ?? null;
}

/**
 * Before a record is re-enrolled: pending actions are cancelled (the device came back under a
 * new enrollment). With "Reset Required" (seed) the hardware was factory reset: every earlier
 * record of it loses its user too, and the reset is recorded on the new enrollment. A wiped or
 * retired record also starts clean: nothing of its previous enrollment is carried over, because
 * `enroll` assigns every enrollment field afresh.
 */
async function startClean(
  tx: EntityManager,
  record: ManagedDevice,
  command: EnrollDeviceCommand,
  reset: boolean,
  now: Date,
): Promise<void> {
  await cancelPendingActions(tx, record.id, now);
  if (!reset) return;
  const ids = [
    ...(command.serialNumber ? [{ platform: command.platform, serialNumber: command.serialNumber }] : []),
    ...(command.imei ? [{ imei: command.imei }] : []),
  ];
  await tx.nativeUpdate(
    ManagedDevice,
    { $or: ids, id: { $ne: record.id } },
    { user: null, enrollmentManager: null },
  );
}
