import type { EntityManager } from '@mikro-orm/postgresql';
import { AppleDevice, type AppleDeviceSource } from './apple-device.entity.js';
import { DepOnboardingSetting } from './dep-onboarding-setting.entity.js';
import { AppleEnrollmentProfile, AppleProfileKind } from './enrollment-profile.entity.js';
import { AppleProfileExport } from './profile-export.entity.js';

/**
 * The SQL of Apple pre-registration: enrollment profiles, the DEP and Configurator serial lists,
 * profile exports and DEP tokens. Stateless: every method runs in the caller's entity manager.
 */
export class AppleEnrollmentStore {
  /** Every profile, oldest first. */
  profiles(em: EntityManager): Promise<AppleEnrollmentProfile[]> {
    return em.find(AppleEnrollmentProfile, {}, { orderBy: { createdDateTime: 'asc', id: 'asc' } });
  }

  /** The profile `id`; null when unknown. */
  profile(em: EntityManager, id: string): Promise<AppleEnrollmentProfile | null> {
    return em.findOne(AppleEnrollmentProfile, id);
  }

  /** No DEP profile is the default any more (a new default is about to be made). @returns how many were */
  clearDefaultDepProfile(em: EntityManager): Promise<number> {
    return em.nativeUpdate(
      AppleEnrollmentProfile,
      { kind: AppleProfileKind.DEP, isDefault: true },
      { isDefault: false },
    );
  }

  /** Every DEP token, oldest first. */
  depTokens(em: EntityManager): Promise<DepOnboardingSetting[]> {
    return em.find(DepOnboardingSetting, {}, { orderBy: { createdDateTime: 'asc', id: 'asc' } });
  }

  /** Which of `serialNumbers` are in the `source` list. */
  async listedSerials(
    em: EntityManager,
    source: AppleDeviceSource,
    serialNumbers: readonly string[],
  ): Promise<Set<string>> {
    const known = await em.find(
      AppleDevice,
      { source, serialNumber: { $in: [...serialNumbers] } },
      { fields: ['serialNumber'] },
    );
    return new Set(known.map((d) => d.serialNumber));
  }

  /** Assigns `profileId` to the listed `serialNumbers` of `source`. @returns the number assigned */
  assignProfile(
    em: EntityManager,
    source: AppleDeviceSource,
    serialNumbers: readonly string[],
    profileId: string,
    now: Date,
  ): Promise<number> {
    return em.nativeUpdate(
      AppleDevice,
      { source, serialNumber: { $in: [...serialNumbers] } },
      { profile: profileId, updatedDateTime: now },
    );
  }

  /** The `source` list's entry of a serial number, with its profile; null when not listed. */
  listedDevice(
    em: EntityManager,
    source: AppleDeviceSource,
    serialNumber: string,
  ): Promise<AppleDevice | null> {
    return em.findOne(AppleDevice, { source, serialNumber }, { populate: ['profile'] });
  }

  /** The export with this token hash (any kind, expired or not), with its profile; null when unknown. */
  exportByTokenHash(em: EntityManager, tokenHash: string): Promise<AppleProfileExport | null> {
    return em.findOne(AppleProfileExport, { tokenHash }, { populate: ['profile'] });
  }
}
