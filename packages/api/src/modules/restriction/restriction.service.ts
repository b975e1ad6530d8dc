import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import {
  countsAgainstUserLimit,
  DEFAULT_DEVICE_LIMIT,
  DEFAULT_LIMIT_NAME,
  userLimitReached,
} from '../enrollment/device-limits.policy.js';
import { EnrollmentRestrictedError } from '../enrollment/enrollment.errors.js';
import { EnrollmentStore } from '../enrollment/enrollment.store.js';
import type { User } from '../user/user.entity.js';
import { EnrollmentRestriction, RestrictionKind } from './restriction.entity.js';
import { createRestrictionSchema } from './restriction.input.js';
import { RestrictionStore } from './restriction.store.js';

/** The device limit's defaults, defined in enrollment/device-limits.policy.ts. */
export { DEFAULT_DEVICE_LIMIT, DEFAULT_LIMIT_NAME };

/** What a restriction check needs to know about the enrollment. */
export interface RestrictionSubject {
  platform: DevicePlatform;
  method: EnrollmentMethodKind;
  osVersion: string;
  ownerType: ManagedDeviceOwnerType;
  user: User | null;
  /** The record being re-enrolled, which is already counted (null for a new record). */
  reusedDeviceId: string | null;
}

/** Compares dotted numeric versions ("16.4.1" vs "16.10"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Enrollment restrictions (Graph deviceEnrollmentLimitConfiguration and platform restrictions):
 * among restrictions of one kind that target the user (or everyone), the lowest priority wins.
 */
export class RestrictionService {
  /**
   * @param store the restrictions' statements
   * @param enrollments where the user's counted devices are counted
   */
  constructor(
    private readonly clock: Clock,
    private readonly store = new RestrictionStore(),
    private readonly enrollments = new EnrollmentStore(),
  ) {}

  /** @throws InputValidationError, including a priority already used by a restriction of the same kind */
  async create(em: EntityManager, input: unknown): Promise<EnrollmentRestriction> {
    const data = validateInput(createRestrictionSchema, input, 'input');
    const restriction = em.create(EnrollmentRestriction, { ...data, createdDateTime: this.clock.now() });
    try {
      await em.persistAndFlush(restriction);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new InputValidationError([
          {
            field: 'input.priority',
            rule: 'unique',
            message: `priority ${data.priority} is already used by a ${data.kind} restriction`,
          },
        ]);
      }
      throw error;
    }
    return restriction;
  }

  /** @throws NotFoundError */
  async delete(em: EntityManager, restrictionId: string): Promise<string> {
    const id = validateInput(z.uuid({ error: 'must be a UUID' }), restrictionId, 'id');
    if (!(await this.store.delete(em, id))) throw new NotFoundError('EnrollmentRestriction', id);
    return id;
  }

  list(em: EntityManager): Promise<EnrollmentRestriction[]> {
    return this.store.list(em);
  }

  /**
   * Every restriction in priority order, for `check`. Loading them separately lets an enrollment
   * read them before it takes its user's row lock, so the lock is held for fewer round trips.
   */
  load(tx: EntityManager): Promise<EnrollmentRestriction[]> {
    return this.store.inPriorityOrder(tx);
  }

  /**
   * Refuses the enrollment when the winning PLATFORM restriction blocks the platform, personal
   * devices or the OS version, or when the user already has as many counted devices as the
   * winning DEVICE_LIMIT restriction allows (default 5). Call inside the enrollment transaction.
   * @param loaded the restrictions from `load` in the same transaction (loaded here when omitted)
   * @throws EnrollmentRestrictedError naming the restriction
   */
  async check(
    tx: EntityManager,
    subject: RestrictionSubject,
    loaded?: readonly EnrollmentRestriction[],
  ): Promise<void> {
    const all = loaded ?? (await this.load(tx));
    this.checkPlatform(subject, all);
    if (!countsAgainstDeviceLimit(subject)) return;
    const counted = await this.enrollments.countForUserLimit(tx, subject.user.id, subject.reusedDeviceId);
    this.checkDeviceLimit(subject, all, counted);
  }

  /**
   * `check`'s PLATFORM part: refuses the enrollment when the winning PLATFORM restriction blocks
   * the platform, personal devices or the OS version.
   * @param all every restriction, in priority order (`load`)
   * @throws EnrollmentRestrictedError naming the restriction
   */
  checkPlatform(subject: RestrictionSubject, all: readonly EnrollmentRestriction[]): void {
    const applies = appliesTo(subject);
    const platform = all.find(
      (r) => r.kind === RestrictionKind.PLATFORM && r.platform === subject.platform && applies(r),
    );
    if (!platform) return;
    if (platform.platformBlocked)
      throw new EnrollmentRestrictedError(platform.displayName, `${subject.platform} enrollment is blocked`);
    if (platform.personalDeviceEnrollmentBlocked && subject.ownerType === ManagedDeviceOwnerType.personal) {
      throw new EnrollmentRestrictedError(platform.displayName, 'personally owned devices are blocked');
    }
    if (platform.osMinimumVersion && compareVersions(subject.osVersion, platform.osMinimumVersion) < 0) {
      throw new EnrollmentRestrictedError(
        platform.displayName,
        `OS version ${subject.osVersion} is below the minimum ${platform.osMinimumVersion}`,
      );
    }
    if (platform.osMaximumVersion && compareVersions(subject.osVersion, platform.osMaximumVersion) > 0) {
      throw new EnrollmentRestrictedError(
        platform.displayName,
        `OS version ${subject.osVersion} is above the maximum ${platform.osMaximumVersion}`,
      );
    }
  }

  /**
   * `check`'s DEVICE_LIMIT part, with the count made by the caller (the enrollment hot path counts
   * in its insert: enrollment.store.ts `insertNewDevice`): refuses the enrollment when the user
   * already had `counted` devices and the winning DEVICE_LIMIT restriction allows no more. Nothing
   * to check without a user or for a method that does not count (`countsAgainstDeviceLimit`).
   * @param counted the user's devices that count (device-limits.policy.ts), this enrollment's excluded
   * @throws EnrollmentRestrictedError naming the restriction
   */
  checkDeviceLimit(
    subject: RestrictionSubject,
    all: readonly EnrollmentRestriction[],
    counted: number,
  ): void {
    if (!countsAgainstDeviceLimit(subject)) return;
    const applies = appliesTo(subject);
    const limit = all.find((r) => r.kind === RestrictionKind.DEVICE_LIMIT && applies(r));
    const max = limit?.deviceLimit ?? DEFAULT_DEVICE_LIMIT;
    if (userLimitReached(counted, max)) {
      throw new EnrollmentRestrictedError(
        limit?.displayName ?? DEFAULT_LIMIT_NAME,
        `the user already has ${counted} enrolled devices; the limit is ${max}`,
      );
    }
  }
}

/** Whether the enrollment of `subject` is subject to its user's device limit: it has a user and a counted method. */
export function countsAgainstDeviceLimit(
  subject: RestrictionSubject,
): subject is RestrictionSubject & { user: User } {
  return subject.user !== null && countsAgainstUserLimit(subject.method);
}

/** Whether a restriction applies to the subject's user: it targets everyone or one of the user's groups. */
function appliesTo(subject: RestrictionSubject): (r: EnrollmentRestriction) => boolean {
  const groups = new Set(subject.user?.groups ?? []);
  return (r) => r.targetGroups.length === 0 || r.targetGroups.some((g) => groups.has(g));
}
