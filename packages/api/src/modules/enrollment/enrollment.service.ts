import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { validateInput } from '../../shared/validation.js';
import type { CertificateService, IssuedCredential } from '../certificate/certificate.service.js';
import { findEnrollmentMethod } from '../catalog/enrollment-method.catalog.js';
import { EnrollmentMethodKind, Requirement } from '../catalog/enrollment-method-kind.enum.js';
import { operatingSystemName } from '../catalog/platform.enum.js';
import { ManagedDevice } from '../device/device.entity.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { UserService } from '../user/user.service.js';
import { EnrollmentConflictError, MethodNotAvailableError, UserAffinityError } from './enrollment.errors.js';
import { enrollDeviceSchema, type EnrollDeviceCommand } from './enrollment.input.js';
import { deviceEnrollmentTypeFor, ownerTypeFor } from './enrollment.rules.js';

/** States in which a record still stands for live hardware; a new enrollment reuses such a record. */
const ACTIVE_STATES = [ManagementState.managed, ManagementState.retirePending, ManagementState.wipePending, ManagementState.deletePending];

/**
 * Methods whose pre-registration (DEM accounts, Apple device lists and profiles, Configurator
 * exports, bulk tokens) the gateway does not hold yet: enrolling with them is refused, because
 * without that pre-registration there is nothing to check the device against.
 */
const prerequisites: Partial<Record<EnrollmentMethodKind, string>> = {
  [EnrollmentMethodKind.DEM]: 'DEM enrollment requires a device enrollment manager account',
  [EnrollmentMethodKind.DEP]: 'DEP enrollment requires the serial number in an Apple device list with an assigned enrollment profile',
  [EnrollmentMethodKind.USB_SA]: 'USB-SA enrollment requires an Apple Configurator profile exported for the device',
  [EnrollmentMethodKind.USB_DIRECT]: 'USB-Direct enrollment requires an unexpired Apple Configurator export',
  [EnrollmentMethodKind.BULK_ENROLL]: 'Windows bulk enrollment requires a bulk enrollment token',
};

/** Enrolls devices according to the seed's method tables. */
export class EnrollmentService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly users: UserService,
    private readonly certificates: CertificateService,
  ) {}

  /**
   * Enrolls one device. Re-enrolling hardware that already has an active record (same platform
   * and serial number or IMEI) reuses that record's id rather than creating a second one.
   * @throws InputValidationError for bad input (including a refused CSR); MethodNotAvailableError when the platform's table lacks the
   *   method; UserAffinityError when the user does not match the method's affinity; EnrollmentConflictError
   *   when a concurrent enrollment of the same hardware committed first
   */
  async enroll(em: EntityManager, input: unknown): Promise<EnrollmentOutcome> {
    const command = validateInput(enrollDeviceSchema, input, 'input');
    const row = findEnrollmentMethod(command.platform, command.method);
    if (!row) throw new MethodNotAvailableError(command.platform, command.method);
    const missing = prerequisites[command.method];
    if (missing) throw new MethodNotAvailableError(command.platform, command.method, missing);
    checkUserAffinity(row.userAffinity, command);

    const now = this.clock.now();
    let device: ManagedDevice;
    let credential: IssuedCredential;
    try {
      ({ device, credential } = await em.transactional(async (tx) => {
        const user = command.userPrincipalName ? await this.users.ensure(tx, command.userPrincipalName, now) : null;
        const existing = await findActiveHardware(tx, command);
        const record = existing ?? new ManagedDevice();
        tx.assign(record, {
          deviceName: command.deviceName,
          platform: command.platform,
          operatingSystem: operatingSystemName[command.platform],
          osVersion: command.osVersion,
          model: command.model,
          manufacturer: command.manufacturer,
          serialNumber: command.serialNumber ?? record.serialNumber,
          imei: command.imei ?? record.imei,
          managedDeviceOwnerType: ownerTypeFor(command.method),
          enrollmentMethod: command.method,
          enrollmentType: deviceEnrollmentTypeFor(row, user !== null),
          managementState: ManagementState.managed,
          enrolledDateTime: now,
          lastSyncDateTime: now,
          user,
        });
        tx.persist(record);
        // Issue 5: every enrollment issues the MDM certificate in the same transaction.
        return { device: record, credential: await this.certificates.issue(tx, record, now, command.csr) };
      }));
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EnrollmentConflictError();
      throw error;
    }
    void this.events.publishCommitted([{ topic: Topic.DeviceEnrolled, payload: toDeviceEventPayload(device, now) }]);
    return { device, credential };
  }
}

/** An enrolled device and the MDM certificate credential issued to it. */
export interface EnrollmentOutcome {
  device: ManagedDevice;
  credential: IssuedCredential;
}

/** Seed column "User Affinity": YES requires a user, NO forbids one; OPTIONAL accepts either. */
function checkUserAffinity(affinity: Requirement, command: EnrollDeviceCommand): void {
  if (affinity === Requirement.YES && !command.userPrincipalName) {
    throw new UserAffinityError(`${command.method} enrollment has user affinity: userPrincipalName is required`);
  }
  if (affinity === Requirement.NO && command.userPrincipalName) {
    throw new UserAffinityError(`${command.method} enrollment is userless: userPrincipalName must not be given`);
  }
}

/** The active record of the same hardware (same platform and serial number or IMEI), locked for update. */
async function findActiveHardware(tx: EntityManager, command: EnrollDeviceCommand): Promise<ManagedDevice | null> {
  const ids = [
    ...(command.serialNumber ? [{ serialNumber: command.serialNumber }] : []),
    ...(command.imei ? [{ imei: command.imei }] : []),
  ];
  const [found] = await tx.find(
    ManagedDevice,
    { platform: command.platform, managementState: { $in: ACTIVE_STATES }, $or: ids },
    { populate: ['user'], limit: 1, orderBy: { enrolledDateTime: 'desc' } },
  );
  return found ?? null;
}
