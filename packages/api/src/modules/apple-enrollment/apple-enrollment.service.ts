import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { PrerequisiteMissingError } from '../enrollment/enrollment.errors.js';
import { AppleDeviceSource } from './apple-device.entity.js';
import { assignProfileSchema, createProfileSchema } from './apple-enrollment.input.js';
import { AppleEnrollmentStore } from './apple-enrollment.store.js';
import { DepOnboardingSetting } from './dep-onboarding-setting.entity.js';
import { AppleEnrollmentProfile, AppleProfileKind } from './enrollment-profile.entity.js';
import { AppleProfileExport, hashToken } from './profile-export.entity.js';

/** A `.mobileconfig` export of a USB-Direct profile is valid two weeks (Intune: "expires two weeks after export"). */
export const MOBILECONFIG_VALIDITY_MS = 14 * 24 * 60 * 60 * 1000;

/** The serial list a profile kind draws from. */
const sourceOf: Partial<Record<AppleProfileKind, AppleDeviceSource>> = {
  [AppleProfileKind.DEP]: AppleDeviceSource.DEP,
  [AppleProfileKind.USB_SA]: AppleDeviceSource.CONFIGURATOR,
};

/** A profile export as handed to the admin: the enrollment URL (USB-SA) or the .mobileconfig text (USB-Direct). */
export interface ProfileExportResult {
  profile: AppleEnrollmentProfile;
  /** USB-SA: URL Apple Configurator enrolls with (path on this gateway carrying the secret token). */
  enrollmentUrl: string | null;
  /** USB-Direct: the enrollment profile (XML property list) to load into Apple Configurator. */
  mobileconfig: string | null;
  /** USB-Direct: the URL serving the same profile signed (`application/x-apple-aspen-config`). */
  profileUrl: string | null;
  /** The secret the device presents (`profileExportToken` of enrollDevice). */
  token: string;
  exportedDateTime: Date;
  expiresDateTime: Date | null;
}

/** Builds a USB-Direct export's enrollment profile: its XML and the URL serving it signed. */
export type UsbDirectProfileBuilder = (
  tx: EntityManager,
  profile: AppleEnrollmentProfile,
  expiresDateTime: Date,
) => Promise<{ mobileconfig: string; profileUrl: string }>;

/** The profile that allows an Apple enrollment, resolved from the device's pre-registration. */
export interface AppleEnrollmentGrant {
  profile: AppleEnrollmentProfile;
}

/** Apple enrollment profiles, their assignment to DEP / Configurator serials, and Configurator exports. */
export class AppleEnrollmentService {
  /**
   * Writes the real enrollment profile of a USB-Direct export (enrollment-profile module); set by
   * the composition root once that module exists (it depends on this service for serial grants).
   */
  usbDirectProfile?: UsbDirectProfileBuilder;

  /** @param publicUrl the gateway's public base URL (PUBLIC_URL), used in exported enrollment URLs */
  constructor(
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly store = new AppleEnrollmentStore(),
  ) {}

  /** @throws InputValidationError */
  async createProfile(em: EntityManager, input: unknown): Promise<AppleEnrollmentProfile> {
    const data = validateInput(createProfileSchema, input, 'input');
    return em.transactional(async (tx) => {
      // Graph: one default DEP profile; making a new one default demotes the old.
      if (data.isDefault) await this.store.clearDefaultDepProfile(tx);
      const profile = tx.create(AppleEnrollmentProfile, {
        ...data,
        supervisedModeEnabled: data.kind !== AppleProfileKind.USB_DIRECT,
        createdDateTime: this.clock.now(),
      });
      return profile;
    });
  }

  /**
   * Registers the organisation's DEP token (Graph depOnboardingSetting).
   * @throws InputValidationError for a bad Apple ID or an expiry that is not in the future
   */
  async createDepToken(
    em: EntityManager,
    appleIdentifier: string,
    tokenExpirationDateTime: Date,
  ): Promise<DepOnboardingSetting> {
    const now = this.clock.now();
    const appleId = validateInput(z.string().trim().min(1).max(320), appleIdentifier, 'appleIdentifier');
    if (!(tokenExpirationDateTime.getTime() > now.getTime())) {
      throw new InputValidationError([
        { field: 'tokenExpirationDateTime', rule: 'future', message: 'the token must expire in the future' },
      ]);
    }
    const setting = em.create(DepOnboardingSetting, {
      appleIdentifier: appleId,
      tokenExpirationDateTime,
      createdDateTime: now,
    });
    await em.flush();
    return setting;
  }

  depTokens(em: EntityManager): Promise<DepOnboardingSetting[]> {
    return this.store.depTokens(em);
  }

  list(em: EntityManager): Promise<AppleEnrollmentProfile[]> {
    return this.store.profiles(em);
  }

  /**
   * Assigns a DEP profile to DEP serials or a USB-SA profile to Configurator serials, in one
   * set-based update. Every serial must already be in that list.
   * @throws NotFoundError for the profile; InputValidationError naming each unknown serial, or a USB-Direct profile (it is exported, not assigned)
   * @returns the number of serials assigned
   */
  async assignProfile(em: EntityManager, input: unknown): Promise<number> {
    const data = validateInput(assignProfileSchema, input, 'input');
    return em.transactional(async (tx) => {
      const profile = await this.store.profile(tx, data.profileId);
      if (!profile) throw new NotFoundError('AppleEnrollmentProfile', data.profileId);
      const source = sourceOf[profile.kind];
      if (!source) {
        throw new InputValidationError([
          {
            field: 'input.profileId',
            rule: 'assignable',
            message: 'USB-Direct profiles are exported (exportAppleEnrollmentProfile), not assigned',
          },
        ]);
      }
      const serials = [...new Set(data.serialNumbers)];
      const found = await this.store.listedSerials(tx, source, serials);
      const missing = data.serialNumbers.map((s, i) => ({ s, i })).filter(({ s }) => !found.has(s));
      if (missing.length > 0) {
        throw new InputValidationError(
          missing.map(({ s, i }) => ({
            field: `input.serialNumbers.${i}`,
            rule: 'registered',
            message: `${s} is not in the ${source} device list`,
          })),
        );
      }
      return this.store.assignProfile(tx, source, serials, profile.id, this.clock.now());
    });
  }

  /**
   * Exports a Configurator profile: USB-SA → an enrollment URL; USB-Direct → a `.mobileconfig`
   * that expires two weeks after export. Each export has its own secret token.
   * @throws NotFoundError; InputValidationError for a DEP profile (DEP needs no export)
   */
  async exportProfile(em: EntityManager, profileId: string): Promise<ProfileExportResult> {
    const id = validateInput(assignProfileSchema.shape.profileId, profileId, 'profileId');
    const now = this.clock.now();
    return em.transactional(async (tx) => {
      const profile = await this.store.profile(tx, id);
      if (!profile) throw new NotFoundError('AppleEnrollmentProfile', id);
      if (profile.kind === AppleProfileKind.DEP) {
        throw new InputValidationError([
          {
            field: 'profileId',
            rule: 'exportable',
            message: 'DEP profiles reach devices through Apple, not through an export',
          },
        ]);
      }
      const token = randomBytes(24).toString('base64url');
      const expiresDateTime =
        profile.kind === AppleProfileKind.USB_DIRECT
          ? new Date(now.getTime() + MOBILECONFIG_VALIDITY_MS)
          : null;
      tx.persist(
        Object.assign(new AppleProfileExport(), {
          profile: tx.getReference(AppleEnrollmentProfile, profile.id),
          tokenHash: hashToken(token),
          exportedDateTime: now,
          expiresDateTime,
        }),
      );
      // USB-SA: Configurator gives this URL to the device, which posts its MachineInfo there
      // (enrollment-profile module, APPLE_PATHS.configurator).
      const enrollmentUrl = `${this.publicUrl.replace(/\/$/, '')}/enrollment/apple/configurator?token=${token}`;
      const usbDirect =
        profile.kind === AppleProfileKind.USB_DIRECT && this.usbDirectProfile
          ? await this.usbDirectProfile(tx, profile, expiresDateTime!)
          : null;
      return {
        profile,
        token,
        exportedDateTime: now,
        expiresDateTime,
        enrollmentUrl: profile.kind === AppleProfileKind.USB_SA ? enrollmentUrl : null,
        mobileconfig: usbDirect?.mobileconfig ?? null,
        profileUrl: usbDirect?.profileUrl ?? null,
      };
    });
  }

  /**
   * The profile allowing a DEP or USB-SA enrollment of `serialNumber` (seed: DEP is only for
   * devices the organisation bought through Apple; USB-SA for devices prepared with Configurator).
   * @throws PrerequisiteMissingError when the serial is not listed or has no profile
   */
  async grantForSerial(
    tx: EntityManager,
    kind: AppleProfileKind.DEP | AppleProfileKind.USB_SA,
    serialNumber: string | null,
  ): Promise<AppleEnrollmentGrant> {
    const source = sourceOf[kind]!;
    const listName =
      source === AppleDeviceSource.DEP
        ? "the organisation's Apple (DEP) device list"
        : 'the Apple Configurator serial list';
    if (!serialNumber)
      throw new PrerequisiteMissingError(`${kind} enrollment needs a serial number in ${listName}`);
    const device = await this.store.listedDevice(tx, source, serialNumber);
    if (!device) throw new PrerequisiteMissingError(`serial number ${serialNumber} is not in ${listName}`);
    const profile = device.profile?.getEntity();
    if (!profile)
      throw new PrerequisiteMissingError(
        `serial number ${serialNumber} has no ${kind} enrollment profile assigned`,
      );
    return { profile };
  }

  /** The export of a token (any kind, expired or not), with its profile; null when unknown. */
  async findExport(
    tx: EntityManager,
    token: string,
  ): Promise<{
    kind: AppleProfileKind;
    profile: AppleEnrollmentProfile;
    expiresDateTime: Date | null;
  } | null> {
    const found = await this.store.exportByTokenHash(tx, hashToken(token));
    const profile = found?.profile.getEntity();
    return found && profile ? { kind: profile.kind, profile, expiresDateTime: found.expiresDateTime } : null;
  }

  /**
   * The USB-Direct profile a `.mobileconfig` export bound into an enrollment invitation (the
   * device installed the export's profile and got its certificate over SCEP; Apple's protocol
   * carries no export token, so the invitation is what names the export): the same rules as
   * `grantForExport`, the export's validity being the invitation's.
   * @param validUntil the export's (and its invitation's) expiry
   * @throws PrerequisiteMissingError when the profile was deleted, is not USB-Direct, or the export expired
   */
  async grantForExportedProfile(
    tx: EntityManager,
    profileId: string,
    validUntil: Date,
    now: Date,
  ): Promise<AppleEnrollmentGrant> {
    const profile = await this.store.profile(tx, profileId);
    if (!profile || profile.kind !== AppleProfileKind.USB_DIRECT)
      throw new PrerequisiteMissingError('unknown USB-Direct profile export');
    if (validUntil.getTime() <= now.getTime())
      throw new PrerequisiteMissingError(
        `the .mobileconfig export expired at ${validUntil.toISOString()}; export the profile again`,
      );
    return { profile };
  }

  /**
   * The USB-Direct profile behind an exported `.mobileconfig` token.
   * @throws PrerequisiteMissingError when the token is unknown, not a USB-Direct export, or expired
   */
  async grantForExport(tx: EntityManager, token: string | null, now: Date): Promise<AppleEnrollmentGrant> {
    if (!token)
      throw new PrerequisiteMissingError(
        'USB-Direct enrollment needs the profileExportToken of an exported .mobileconfig',
      );
    const found = await this.store.exportByTokenHash(tx, hashToken(token));
    const profile = found?.profile.getEntity();
    if (!found || !profile || profile.kind !== AppleProfileKind.USB_DIRECT)
      throw new PrerequisiteMissingError('unknown USB-Direct profile export');
    if (found.expiresDateTime && found.expiresDateTime.getTime() <= now.getTime()) {
      throw new PrerequisiteMissingError(
        `the .mobileconfig export expired at ${found.expiresDateTime.toISOString()}; export the profile again`,
      );
    }
    return { profile };
  }
}
