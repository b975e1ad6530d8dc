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
import { DevicePlatform } from '../catalog/platform.enum.js';
import { DeviceStore } from '../device/device.store.js';
import { queryRows } from '../../shared/raw-sql.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import {
  ActingUserMismatchError,
  EnrollmentConflictError,
  HardwareHeldError,
  PrerequisiteMissingError,
} from '../enrollment/enrollment.errors.js';
import { ACTIVE_STATES, identifyingHardware } from '../enrollment/enrollment.service.js';
import { mayReEnroll } from '../enrollment/re-enrollment.policy.js';
import type { ScopedCaller } from '../auth/device-scope.policy.js';
import { activeDeviceSql } from '../device/active-device.policy.js';
import {
  planEnrollment,
  planExchange,
  type PlannedDevice,
  type PlannedExchange,
} from '../enrollment/enrollment-plan.policy.js';
import { recognizeHardwareMany } from '../corporate-identifier/corporate-identifier.matching.js';
import type { RestrictionService } from '../restriction/restriction.service.js';
import { enrollDevicesSchema } from './bulk-enrollment.input.js';
import { BulkEnrollmentToken } from './bulk-token.entity.js';

/** The planned columns (enrollment-plan.policy.ts) a bulk enrollment persists, with their column and recordset type. */
const PLANNED_COLUMNS: Record<keyof (PlannedDevice & PlannedExchange), [column: string, type: string]> = {
  platform: ['platform', 'text'],
  operatingSystem: ['operating_system', 'text'],
  managedDeviceOwnerType: ['managed_device_owner_type', 'text'],
  enrollmentMethod: ['enrollment_method', 'text'],
  enrollmentType: ['enrollment_type', 'text'],
  managementState: ['management_state', 'text'],
  isSupervised: ['is_supervised', 'boolean'],
  lockedEnrollment: ['locked_enrollment', 'boolean'],
  resetDuringEnrollment: ['reset_during_enrollment', 'boolean'],
  kioskMode: ['kiosk_mode', 'boolean'],
  joinType: ['join_type', 'text'],
  supportsConditionalAccess: ['supports_conditional_access', 'boolean'],
  supportsJailbreakDetection: ['supports_jailbreak_detection', 'boolean'],
  supportsAppProtection: ['supports_app_protection', 'boolean'],
  easDeviceId: ['eas_device_id', 'text'],
  easActivated: ['eas_activated', 'boolean'],
  managementAgent: ['management_agent', 'text'],
};
const PLANNED = Object.entries(PLANNED_COLUMNS).map(
  ([key, [column]]) => [key as keyof (PlannedDevice & PlannedExchange), column] as const,
);
const plannedColumns = Object.values(PLANNED_COLUMNS).map(([column]) => column);

/**
 * The set-based write of a bulk enrollment: one INSERT ... ON CONFLICT over `jsonb_to_recordset`
 * (parameters: enrolled and last-sync time, certificate notAfter, the rows as JSON). The planned
 * columns come from each row; a serial number with an active record re-enrolls that record in place
 * (identity kept, userless, every planned column overwritten). RETURNING gives one row per input
 * row, in input order.
 */
const INSERT_PLANNED_DEVICES = `insert into managed_device (id, device_name, os_version, model, manufacturer, serial_number, imei,
    ${plannedColumns.join(', ')}, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date)
  select r.id, r.device_name, r.os_version, r.model, r.manufacturer, r.serial_number, r.imei,
    ${plannedColumns.map((c) => `r.${c}`).join(', ')}, ?::timestamptz, ?::timestamptz, ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as r(id uuid, device_name text, os_version text, model text, manufacturer text, serial_number text, imei text,
    ${Object.values(PLANNED_COLUMNS)
      .map(([column, type]) => `${column} ${type}`)
      .join(', ')})
  on conflict (platform, serial_number) where serial_number is not null and ${activeDeviceSql()}
  do update set device_name = excluded.device_name, os_version = excluded.os_version, model = excluded.model,
    manufacturer = excluded.manufacturer, imei = coalesce(excluded.imei, managed_device.imei),
    ${plannedColumns.map((c) => `${c} = excluded.${c}`).join(', ')},
    enrolled_date_time = excluded.enrolled_date_time, last_sync_date_time = excluded.last_sync_date_time,
    user_id = null, enrollment_manager_id = null,
    management_certificate_expiration_date = excluded.management_certificate_expiration_date
  returning *`;

/** Maps the inserted device rows (stateless: one serves every call). */
const deviceRows = new DeviceStore();

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
   * re-enrolled in place: identity reused). Any refusal writes nothing. Each device's columns are
   * planned as a single enrollment plans them (enrollment-plan.policy.ts: the catalog's Windows
   * "Bulk enroll" row, userless and corporate; matching corporate identifiers marked enrolled;
   * Autopilot), and bulk devices are not counted against user device limits.
   * A firmware placeholder serial or IMEI ("Default string", all zeros) identifies nothing: such a
   * device gets a new record without it. A serial that another user's device holds actively is
   * re-enrolled only by an administrator (re-enrollment.policy.ts: bulk enrollment does not reset
   * the device); otherwise the whole call is refused.
   * @param caller the token's principal (null: the gateway itself); a user token is refused, bulk
   *   enrollment being userless (docs/security.md)
   * @throws InputValidationError; ActingUserMismatchError (a user token); PrerequisiteMissingError
   *   (token unknown/expired); EnrollmentRestrictedError (Windows blocked for everyone);
   *   HardwareHeldError; EnrollmentConflictError (an IMEI already active on another record, or a
   *   concurrent enrollment of the same hardware)
   */
  async enrollDevices(
    em: EntityManager,
    input: unknown,
    caller: ScopedCaller | null = null,
  ): Promise<EnrollmentOutcome[]> {
    if (caller?.userPrincipalName) throw new ActingUserMismatchError(caller.userPrincipalName, null);
    const command = validateInput(enrollDevicesSchema, input, 'input');
    const row = findEnrollmentMethod(DevicePlatform.WINDOWS, EnrollmentMethodKind.BULK_ENROLL)!;
    const now = this.clock.now();
    let outcomes: EnrollmentOutcome[];
    try {
      outcomes = await em.transactional(async (tx) => {
        await this.requireValid(tx, command.bulkEnrollmentToken, now);
        const restrictions = await this.restrictions.load(tx);
        // The same matching as a single enrollment (corporate identifiers marked enrolled, Autopilot),
        // set-based; then the same plan decides each device's columns (enrollment-plan.policy.ts).
        const recognized = await recognizeHardwareMany(
          tx,
          command.devices.map((d) => ({
            platform: DevicePlatform.WINDOWS,
            // Firmware placeholders identify nothing: they match no corporate identifier or registration.
            ...identifyingHardware({ serialNumber: d.serialNumber, imei: d.imei ?? null }),
            manufacturer: d.manufacturer ?? null,
            model: d.model ?? null,
          })),
          now,
        );
        // Bulk devices carry no Exchange ActiveSync id: managed by MDM alone.
        const exchange = planExchange(null, false);
        const plans = recognized.map((r) => ({
          ...planEnrollment({ row, joinType: null, profile: null, hasUser: false, ...r }),
          ...exchange,
        }));
        // Platform restrictions depend only on the OS version and ownership here (userless): one check per pair.
        const checks = new Map(
          command.devices.map((d, i) => [`${d.osVersion}\u0000${plans[i]!.managedDeviceOwnerType}`, i]),
        );
        for (const i of checks.values()) {
          await this.restrictions.check(
            tx,
            {
              platform: DevicePlatform.WINDOWS,
              method: EnrollmentMethodKind.BULK_ENROLL,
              osVersion: command.devices[i]!.osVersion,
              ownerType: plans[i]!.managedDeviceOwnerType,
              user: null,
              reusedDeviceId: null,
            },
            restrictions,
          );
        }
        const rows = command.devices.map((d, i) => {
          const plan = plans[i]!;
          const ids = identifyingHardware({ serialNumber: d.serialNumber, imei: d.imei ?? null });
          const row: Record<string, unknown> = {
            id: randomUUID(),
            device_name: d.deviceName,
            os_version: d.osVersion,
            model: d.model,
            manufacturer: d.manufacturer,
            serial_number: ids.serialNumber,
            imei: ids.imei,
          };
          for (const [key, column] of PLANNED) row[column] = plan[key];
          return row;
        });
        await this.checkHeldHardware(
          tx,
          rows as { serial_number: string | null; imei: string | null }[],
          caller,
        );
        // Every device gets its MDM certificate; its expiration date is written with the device row.
        const { notAfter } = this.certificates.validityAt(now);
        const inserted = await queryRows<Record<string, unknown>>(tx, INSERT_PLANNED_DEVICES, [
          now,
          now,
          notAfter,
          JSON.stringify(rows),
        ]);
        // RETURNING gives one row per input device, in input order (the previous version relied on this too).
        const devices = deviceRows.fromRows(tx, inserted);
        // Re-enrolled records drop whatever action was pending (set-based, like the insert).
        await queryRows(
          tx,
          `update device_action set state = 'cancelled', completed_date_time = ? where state = 'pending' and device_id = any(?::uuid[])`,
          [now, `{${devices.map((d) => d.id).join(',')}}`],
        );
        // Every enrollment, bulk ones included, issues the device its MDM certificate (set-based: two statements per batch).
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
   * Refuses the call when one of its serial numbers belongs to an active record of a user and the
   * caller may not re-enroll it (re-enrollment.policy.ts): bulk enrollment is userless and resets nothing.
   * @throws HardwareHeldError
   */
  private async checkHeldHardware(
    tx: EntityManager,
    rows: { serial_number: string | null }[],
    caller: ScopedCaller | null,
  ): Promise<void> {
    const serials = rows.map((r) => r.serial_number).filter((s): s is string => s !== null);
    const held = await queryRows<{ user_id: string }>(
      tx,
      `select user_id from managed_device where platform = 'WINDOWS' and serial_number = any(?::text[])
         and user_id is not null and management_state = any(?::text[]) limit 1`,
      [serials, ACTIVE_STATES],
    );
    for (const { user_id } of held) {
      const allowed = mayReEnroll({
        existing: { active: true, userId: user_id },
        userId: null,
        resetsDevice: false,
        provenByDevice: false,
        caller,
      });
      if (!allowed) throw new HardwareHeldError();
    }
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
