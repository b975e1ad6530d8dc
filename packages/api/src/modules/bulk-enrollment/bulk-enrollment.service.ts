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
import { toDeviceEventPayload } from '../device/device.events.js';
import {
  ActingUserMismatchError,
  EnrollmentConflictError,
  HardwareHeldError,
  PrerequisiteMissingError,
} from '../enrollment/enrollment.errors.js';
import { identifyingHardware } from '../enrollment/enrollment.service.js';
import { DeviceStore } from '../device/device.store.js';
import { EnrollmentStore } from '../enrollment/enrollment.store.js';
import { mayReEnroll } from '../enrollment/re-enrollment.policy.js';
import type { ScopedCaller } from '../auth/device-scope.policy.js';
import { planEnrollment, planExchange } from '../enrollment/enrollment-plan.policy.js';
import { recognizeHardwareMany } from '../corporate-identifier/corporate-identifier.matching.js';
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
    private readonly store = new EnrollmentStore(),
    private readonly devices = new DeviceStore(),
  ) {}

  /**
   * Windows bulk enrollment of up to 1,000 devices in one call, ALL OR NOTHING: every device is
   * validated first (every violation reported), then one transaction writes them with a single
   * set-based INSERT ... ON CONFLICT over `jsonb_to_recordset` (a serial with an active record is
   * re-enrolled in place: identity reused). The devices' certificates (key pairs, signatures) are
   * built while the transaction's statements run (CertificateService.prepareMany) and written with
   * one INSERT. Any refusal writes nothing. Each device's columns are
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
    // What each device is written with but its plan: a new id (kept unless an active record of
    // the serial number is re-enrolled in place), and its identifying hardware (placeholders dropped).
    const identities = command.devices.map((d) => ({
      id: randomUUID(),
      deviceName: d.deviceName,
      osVersion: d.osVersion,
      model: d.model ?? null,
      manufacturer: d.manufacturer ?? null,
      ...identifyingHardware({ serialNumber: d.serialNumber, imei: d.imei ?? null }),
    }));
    // The certificates' CPU (key pairs, signatures) runs while the transaction's statements do:
    // built for the ids above; a device re-enrolled in place gets its own built again by issueMany.
    const abandon = new AbortController();
    const prepared = this.certificates.prepareMany(identities, now, abandon.signal);
    prepared.catch(() => {}); // awaited in the transaction; a refused call abandons it
    let outcomes: EnrollmentOutcome[];
    try {
      outcomes = await em.transactional(async (tx) => {
        await this.requireValid(tx, command.bulkEnrollmentToken, now);
        const restrictions = await this.restrictions.load(tx);
        // The same matching as a single enrollment (corporate identifiers marked enrolled, Autopilot),
        // set-based; then the same plan decides each device's columns (enrollment-plan.policy.ts).
        const recognized = await recognizeHardwareMany(
          tx,
          identities.map((d) => ({
            platform: DevicePlatform.WINDOWS,
            // Firmware placeholders identify nothing: they match no corporate identifier or registration.
            serialNumber: d.serialNumber,
            imei: d.imei,
            manufacturer: d.manufacturer,
            model: d.model,
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
        const rows = identities.map((identity, i) => ({ ...identity, plan: plans[i]! }));
        await this.checkHeldHardware(tx, rows, caller);
        // Every device gets its MDM certificate; its expiration date is written with the device row.
        const { notAfter } = this.certificates.validityAt(now);
        // One set-based write; the devices come back in input order.
        const devices = await this.store.insertPlanned(tx, rows, now, notAfter);
        // A device keeps the id it was given unless an active record was re-enrolled in place:
        // only those have pending actions and certificates to replace.
        const newDeviceIds = new Set(devices.filter((d, i) => d.id === identities[i]!.id).map((d) => d.id));
        const reEnrolled = devices.filter((d) => !newDeviceIds.has(d.id)).map((d) => d.id);
        // Re-enrolled records drop whatever action was pending (set-based, like the insert).
        if (reEnrolled.length > 0) await this.devices.cancelPendingActions(tx, reEnrolled, now);
        // Every enrollment, bulk ones included, issues the device its MDM certificate (set-based:
        // the certificates prepared above, one INSERT, and one supersede statement when a record was re-enrolled).
        const credentials = await this.certificates.issueMany(tx, devices, now, {
          prepared: await prepared,
          newDeviceIds,
        });
        return devices.map((device, i) => ({ device, credential: credentials[i]! }));
      });
    } catch (error) {
      abandon.abort(error);
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
    rows: readonly { serialNumber: string | null }[],
    caller: ScopedCaller | null,
  ): Promise<void> {
    const serials = rows.map((r) => r.serialNumber).filter((s): s is string => s !== null);
    // Whoever holds it, the answer is the same (the enrollment is userless): one holder is enough.
    const holder = await this.store.holderOfSerials(tx, DevicePlatform.WINDOWS, serials);
    if (holder === null) return;
    const allowed = mayReEnroll({
      existing: { active: true, userId: holder },
      userId: null,
      resetsDevice: false,
      provenByDevice: false,
      caller,
    });
    if (!allowed) throw new HardwareHeldError();
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
    const token = await this.store.bulkTokenByHash(tx, hashToken(secret));
    if (!token) throw new PrerequisiteMissingError('unknown bulk enrollment token');
    if (token.expiresDateTime.getTime() <= now.getTime()) {
      throw new PrerequisiteMissingError(
        `the bulk enrollment token "${token.displayName}" expired at ${token.expiresDateTime.toISOString()}`,
      );
    }
    return token;
  }
}
