import { randomBytes, randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { CertificateService } from '../certificate/certificate.service.js';
import type { EnrollmentOutcome } from '../enrollment/enrollment.service.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import { z } from 'zod';
import { DAY_MS, type Clock } from '../../shared/clock.js';
import { validateInput } from '../../shared/validation.js';
import { hashToken } from '../apple-enrollment/profile-export.entity.js';
import { findEnrollmentMethod } from '../catalog/enrollment-method.catalog.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform, operatingSystemName } from '../catalog/platform.enum.js';
import { managedDevicesFromRows } from '../device/device.rows.js';
import { queryRows } from '../../shared/raw-sql.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { activeDeviceSql } from '../device/active-device.policy.js';
import { EnrollmentConflictError, PrerequisiteMissingError } from '../enrollment/enrollment.errors.js';
import { deviceEnrollmentTypeFor, ownerTypeFor } from '../enrollment/enrollment.rules.js';
import type { RestrictionService } from '../restriction/restriction.service.js';
import { enrollDevicesSchema } from './bulk-enrollment.input.js';
import { BulkEnrollmentToken } from './bulk-token.entity.js';

/** Longest validity of a bulk token: 180 days (Windows Configuration Designer's bulk token limit). */
export const BULK_TOKEN_MAX_DAYS = 180;

const createSchema = z.object({
  displayName: z.string().trim().min(1).max(128),
  validityDays: z.number().int().min(1).max(BULK_TOKEN_MAX_DAYS),
});

/** Windows bulk enrollment tokens (seed: Windows "Bulk enroll", provisioning packages). */
export class BulkEnrollmentService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly restrictions: RestrictionService,
    private readonly certificates: CertificateService,
  ) {}

  /**
   * Windows bulk enrollment of up to 1,000 devices in one call, ALL OR NOTHING: every device is
   * validated first (every violation reported), then one transaction writes them with a single
   * set-based INSERT ... ON CONFLICT over `jsonb_to_recordset` (a serial with an active record is
   * re-enrolled in place: identity reused). Any refusal writes nothing. Devices are userless and
   * corporate (seed: Windows "Bulk enroll": no reset, no affinity, not locked) and are not counted
   * against user device limits.
   * @throws InputValidationError; PrerequisiteMissingError (token unknown/expired);
   *   EnrollmentRestrictedError (Windows blocked for everyone); EnrollmentConflictError (an IMEI
   *   already active on another record, or a concurrent enrollment of the same hardware)
   */
  async enrollDevices(em: EntityManager, input: unknown): Promise<EnrollmentOutcome[]> {
    const command = validateInput(enrollDevicesSchema, input, 'input');
    const row = findEnrollmentMethod(DevicePlatform.WINDOWS, EnrollmentMethodKind.BULK_ENROLL)!;
    const now = this.clock.now();
    let outcomes: EnrollmentOutcome[];
    try {
      outcomes = await em.transactional(async (tx) => {
        await this.requireValid(tx, command.bulkEnrollmentToken, now);
        // Platform restrictions depend only on the OS version here (userless, corporate): one check per version.
        const restrictions = await this.restrictions.load(tx);
        for (const osVersion of new Set(command.devices.map((d) => d.osVersion))) {
          await this.restrictions.check(
            tx,
            {
              platform: DevicePlatform.WINDOWS,
              method: EnrollmentMethodKind.BULK_ENROLL,
              osVersion,
              ownerType: ManagedDeviceOwnerType.company,
              user: null,
              reusedDeviceId: null,
            },
            restrictions,
          );
        }
        const rows = command.devices.map((d) => ({
          id: randomUUID(),
          device_name: d.deviceName,
          os_version: d.osVersion,
          model: d.model,
          manufacturer: d.manufacturer,
          serial_number: d.serialNumber,
          imei: d.imei,
        }));
        // Issue 5: every device gets its MDM certificate; its expiration date is written with the device row.
        const { notAfter } = this.certificates.validityAt(now);
        const inserted = await queryRows<Record<string, unknown>>(
          tx,
          `insert into managed_device (id, device_name, platform, operating_system, os_version, model, manufacturer, serial_number, imei,
             managed_device_owner_type, enrollment_method, enrollment_type, management_state, enrolled_date_time, last_sync_date_time,
             management_certificate_expiration_date)
           select r.id, r.device_name, 'WINDOWS', ?, r.os_version, r.model, r.manufacturer, r.serial_number, r.imei,
             ?, 'BULK_ENROLL', ?, 'managed', ?::timestamptz, ?::timestamptz, ?::timestamptz
           from jsonb_to_recordset(?::jsonb) as r(id uuid, device_name text, os_version text, model text, manufacturer text, serial_number text, imei text)
           on conflict (platform, serial_number) where serial_number is not null and ${activeDeviceSql()}
           do update set device_name = excluded.device_name, os_version = excluded.os_version, model = excluded.model,
             manufacturer = excluded.manufacturer, imei = coalesce(excluded.imei, managed_device.imei),
             managed_device_owner_type = excluded.managed_device_owner_type, enrollment_method = excluded.enrollment_method,
             enrollment_type = excluded.enrollment_type, management_state = 'managed', enrolled_date_time = excluded.enrolled_date_time,
             last_sync_date_time = excluded.last_sync_date_time, user_id = null, enrollment_manager_id = null, join_type = null,
             is_supervised = false, locked_enrollment = false, reset_during_enrollment = false, kiosk_mode = false,
             supports_conditional_access = true, supports_jailbreak_detection = true, supports_app_protection = true,
             management_certificate_expiration_date = excluded.management_certificate_expiration_date
           returning *`,
          [
            operatingSystemName[DevicePlatform.WINDOWS],
            ownerTypeFor(EnrollmentMethodKind.BULK_ENROLL, null),
            deviceEnrollmentTypeFor(row, false),
            now,
            now,
            notAfter,
            JSON.stringify(rows),
          ],
        );
        // RETURNING gives one row per input device, in input order (the previous version relied on this too).
        const devices = managedDevicesFromRows(tx, inserted);
        // Re-enrolled records drop whatever action was pending (set-based, like the insert).
        await queryRows(
          tx,
          `update device_action set state = 'cancelled', completed_date_time = ? where state = 'pending' and device_id = any(?::uuid[])`,
          [now, `{${devices.map((d) => d.id).join(',')}}`],
        );
        // Issue 5: every enrollment, bulk ones included, issues the device its MDM certificate (set-based: two statements per batch).
        const credentials = await this.certificates.issueMany(tx, devices, now);
        return devices.map((device, i) => ({ device, credential: credentials[i]! }));
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EnrollmentConflictError();
      throw error;
    }
    void this.events.publishCommitted(
      outcomes.map(({ device }) => ({
        topic: Topic.DeviceEnrolled,
        payload: toDeviceEventPayload(device, now),
      })),
    );
    return outcomes;
  }

  /**
   * Creates a token valid `validityDays` days (1-180). The secret is returned once and stored only as a hash.
   * @throws InputValidationError
   */
  async createToken(
    em: EntityManager,
    input: { displayName: string; validityDays: number },
  ): Promise<{ token: BulkEnrollmentToken; secret: string }> {
    const data = validateInput(createSchema, input, 'input');
    const now = this.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const token = em.create(BulkEnrollmentToken, {
      displayName: data.displayName,
      tokenHash: hashToken(secret),
      createdDateTime: now,
      expiresDateTime: new Date(now.getTime() + data.validityDays * DAY_MS),
    });
    await em.flush();
    return { token, secret };
  }

  /**
   * The token a bulk enrollment presents, if it exists and has not expired.
   * @throws PrerequisiteMissingError
   */
  async requireValid(tx: EntityManager, secret: string | null, now: Date): Promise<BulkEnrollmentToken> {
    if (!secret)
      throw new PrerequisiteMissingError(
        'Windows bulk enrollment needs the bulkEnrollmentToken of a provisioning package',
      );
    const token = await tx.findOne(BulkEnrollmentToken, { tokenHash: hashToken(secret) });
    if (!token) throw new PrerequisiteMissingError('unknown bulk enrollment token');
    if (token.expiresDateTime.getTime() <= now.getTime()) {
      throw new PrerequisiteMissingError(
        `the bulk enrollment token "${token.displayName}" expired at ${token.expiresDateTime.toISOString()}`,
      );
    }
    return token;
  }
}
