import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { AppleEnrollmentProfile } from '../apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { DemNotAllowedError } from '../enrollment/enrollment.errors.js';
import { userPrincipalNameSchema } from '../user/user-principal-name.js';
import type { UserService } from '../user/user.service.js';
import { User } from '../user/user.entity.js';
import { APPLE_PATHS } from './apple-endpoints.js';
import { EnrollmentInvitation } from './enrollment-invitation.entity.js';
import { EnrollmentInvitationStore } from './enrollment-invitation.store.js';

/** Default lifetime of an invitation made through GraphQL: 7 days (Intune's enrollment invitations last a week). */
export const DEFAULT_INVITATION_HOURS = 168;
/** A challenge minted for a DEP / USB-SA MachineInfo is used within the same Setup Assistant run: 1 hour. */
export const MACHINE_INFO_CHALLENGE_MS = 60 * 60 * 1000;

/**
 * How long the challenge of an identity renewal stays usable: one day, for the InstallProfile
 * command to reach a device that checks in rarely. While it is unexpired no second renewal is
 * queued.
 */
export const RENEWAL_CHALLENGE_MS = 24 * 60 * 60 * 1000;

/** SHA-256 hex of a secret (profile token or challenge): only hashes are stored. */
export const secretHash = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Why a challenge or profile token was not accepted (RFC 8894: a SCEP FAILURE, badRequest). */
export type ChallengeRefusal = 'UNKNOWN' | 'EXPIRED' | 'USED';

/** What an invitation is minted with. */
interface MintFields {
  platform: DevicePlatform;
  method: EnrollmentMethodKind;
  ownershipIntent: ManagedDeviceOwnerType;
  expiresDateTime: Date;
  createdBy: string | null;
  user?: Pick<User, 'id'> | null;
  enrollmentManager?: Pick<User, 'id'> | null;
  appleProfile?: AppleEnrollmentProfile | null;
  serialNumber?: string | null;
  maxUses?: number | null;
  renewsDeviceId?: string | null;
  renewsIdentifier?: string | null;
  profileIdentifierId?: string | null;
}

/** A freshly made invitation with the secrets shown only now. */
export interface MintedInvitation {
  invitation: EnrollmentInvitation;
  /** The random token of the profile URL. */
  profileToken: string;
  /** `<PUBLIC_URL>/enrollment/apple/profile?token=…`: answers with the signed enrollment profile. */
  profileUrl: string;
  /** The SCEP challenge password the profile carries. */
  challenge: string;
}

const createSchema = z
  .object({
    platform: z.enum([DevicePlatform.IOS, DevicePlatform.MACOS]),
    method: z.enum([EnrollmentMethodKind.BYOD, EnrollmentMethodKind.DEM]),
    userPrincipalName: userPrincipalNameSchema.nullish(),
    enrollmentManagerUserPrincipalName: userPrincipalNameSchema.nullish(),
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .nullish()
      .transform((v) => v ?? DEFAULT_INVITATION_HOURS),
  })
  .superRefine((input, context) => {
    if (input.method === EnrollmentMethodKind.BYOD && !input.userPrincipalName)
      context.addIssue({
        code: 'custom',
        path: ['userPrincipalName'],
        message: 'a BYOD invitation is for a user (Intune: BYOD has user affinity)',
      });
    if (input.method === EnrollmentMethodKind.DEM && !input.enrollmentManagerUserPrincipalName)
      context.addIssue({
        code: 'custom',
        path: ['enrollmentManagerUserPrincipalName'],
        message: 'a DEM invitation names the device enrollment manager account',
      });
    if (input.method === EnrollmentMethodKind.DEM && input.userPrincipalName)
      context.addIssue({
        code: 'custom',
        path: ['userPrincipalName'],
        message: 'DEM enrollments are userless (Intune: DEM has no user affinity)',
      });
  });

/**
 * Enrollment invitations: minted for a person (BYOD) or a DEM account through GraphQL, for a
 * DEP / USB-SA device by its MachineInfo, for a USB-Direct export; found by profile token;
 * their SCEP challenge consumed once (RFC 8894 section 2.3: the challenge authorises one request).
 */
export class EnrollmentInvitationService {
  private readonly challengeKey: Buffer;

  /**
   * @param secretKey gateway secret the challenges derive from (the CA-derived device token key)
   * @param publicUrl PUBLIC_URL, the base of profile URLs
   */
  constructor(
    private readonly clock: Clock,
    private readonly users: UserService,
    secretKey: Buffer,
    private readonly publicUrl: string,
    private readonly store = new EnrollmentInvitationStore(),
  ) {
    this.challengeKey = Buffer.from(hkdfSync('sha256', secretKey, 'mdm-scep-challenge', 'v1', 32));
  }

  /** The SCEP challenge of a profile token: derived, so neither is stored in clear. */
  challengeOf(profileToken: string): string {
    return createHmac('sha256', this.challengeKey)
      .update(`scep-challenge:v1:${profileToken}`)
      .digest('base64url');
  }

  /** The URL of a profile token. */
  profileUrl(profileToken: string): string {
    return `${this.publicUrl.replace(/\/$/, '')}${APPLE_PATHS.profile}?token=${profileToken}`;
  }

  /**
   * An invitation for a user's personal device (BYOD) or a DEM account's corporate devices
   * (DEM), iOS or macOS, valid `expiresInHours` (default 168), single use.
   * @throws InputValidationError; DemNotAllowedError when the DEM account is not one
   */
  async create(em: EntityManager, input: unknown, createdBy: string | null): Promise<MintedInvitation> {
    const valid = validateInput(createSchema, input, 'input');
    const now = this.clock.now();
    return em.transactional(async (tx) => {
      const user = valid.userPrincipalName ? await this.users.ensure(tx, valid.userPrincipalName, now) : null;
      let manager: User | null = null;
      if (valid.enrollmentManagerUserPrincipalName) {
        manager = await this.users.byUserPrincipalName(tx, valid.enrollmentManagerUserPrincipalName);
        if (!manager?.isDeviceEnrollmentManager)
          throw new DemNotAllowedError(
            `${valid.enrollmentManagerUserPrincipalName} is not a device enrollment manager account`,
          );
      }
      return this.mint(tx, {
        platform: valid.platform,
        method: valid.method,
        ownershipIntent:
          valid.method === EnrollmentMethodKind.BYOD
            ? ManagedDeviceOwnerType.personal
            : ManagedDeviceOwnerType.company,
        user,
        enrollmentManager: manager,
        expiresDateTime: new Date(now.getTime() + valid.expiresInHours * 3_600_000),
        createdBy,
      });
    });
  }

  /**
   * A single-use invitation for a DEP or USB-SA device that sent its MachineInfo: bound to its
   * serial number and assigned Apple profile; userless here (user affinity, when the profile asks
   * for it, is established by the check-in's authentication), company-owned (seed).
   */
  async mintForSerial(
    tx: EntityManager,
    method: EnrollmentMethodKind.DEP | EnrollmentMethodKind.USB_SA,
    serialNumber: string,
    profile: AppleEnrollmentProfile,
  ): Promise<MintedInvitation> {
    const now = this.clock.now();
    return this.mint(tx, {
      platform: DevicePlatform.IOS,
      method,
      ownershipIntent: ManagedDeviceOwnerType.company,
      serialNumber,
      appleProfile: profile,
      expiresDateTime: new Date(now.getTime() + MACHINE_INFO_CHALLENGE_MS),
      createdBy: null,
    });
  }

  /**
   * The invitation behind a USB-Direct `.mobileconfig` export: one file installed on many
   * devices, so its challenge is reusable (`maxUses` null) until the export expires.
   */
  async mintForExport(
    tx: EntityManager,
    profile: AppleEnrollmentProfile,
    expiresDateTime: Date,
    createdBy: string | null,
  ): Promise<MintedInvitation> {
    return this.mint(tx, {
      platform: DevicePlatform.IOS,
      method: EnrollmentMethodKind.USB_DIRECT,
      ownershipIntent: ManagedDeviceOwnerType.company,
      appleProfile: profile,
      expiresDateTime,
      maxUses: null,
      createdBy,
    });
  }

  /**
   * The single-use invitation of an identity renewal: the device's own platform, method, ownership
   * and user, bound to the device and to the UDID (or EnrollmentID) whose channel alone may present
   * the certificate it obtains; valid RENEWAL_CHALLENGE_MS.
   * @param installed the invitation the device's installed profile was built for (`identifierId`)
   *   and the Apple enrollment profile it follows
   */
  mintForRenewal(
    tx: EntityManager,
    device: ManagedDevice,
    identifier: string,
    installed: { identifierId: string; appleProfile: AppleEnrollmentProfile | null },
  ): MintedInvitation {
    const now = this.clock.now();
    return this.mint(tx, {
      platform: device.platform,
      method: device.enrollmentMethod,
      ownershipIntent: device.managedDeviceOwnerType,
      user: device.user,
      enrollmentManager: device.enrollmentManager,
      expiresDateTime: new Date(now.getTime() + RENEWAL_CHALLENGE_MS),
      createdBy: null,
      renewsDeviceId: device.id,
      renewsIdentifier: identifier,
      profileIdentifierId: installed.identifierId,
      appleProfile: installed.appleProfile,
    });
  }

  private mint(tx: EntityManager, fields: MintFields): MintedInvitation {
    const profileToken = randomBytes(24).toString('base64url');
    const challenge = this.challengeOf(profileToken);
    const { user, enrollmentManager, appleProfile, ...rest } = fields;
    const invitation = tx.create(EnrollmentInvitation, {
      ...rest,
      user: user ? tx.getReference(User, user.id) : null,
      enrollmentManager: enrollmentManager ? tx.getReference(User, enrollmentManager.id) : null,
      appleProfile: appleProfile ? tx.getReference(AppleEnrollmentProfile, appleProfile.id) : null,
      profileTokenHash: secretHash(profileToken),
      challengeHash: secretHash(challenge),
      createdDateTime: this.clock.now(),
    });
    return { invitation, profileToken, profileUrl: this.profileUrl(profileToken), challenge };
  }

  /**
   * The invitation of a profile URL token, with its user, DEM account and Apple profile.
   * @returns the invitation, or the reason it cannot serve a profile any more
   */
  async findByProfileToken(
    em: EntityManager,
    profileToken: string,
  ): Promise<{ invitation: EnrollmentInvitation } | { refusal: ChallengeRefusal }> {
    const invitation = await this.store.byProfileTokenHash(em, secretHash(profileToken));
    if (!invitation) return { refusal: 'UNKNOWN' };
    if (invitation.expiresDateTime.getTime() <= this.clock.now().getTime()) return { refusal: 'EXPIRED' };
    if (invitation.maxUses !== null && invitation.useCount >= invitation.maxUses) return { refusal: 'USED' };
    return { invitation };
  }

  /**
   * Consumes one use of the challenge inside `tx` (one conditional UPDATE, so two requests with
   * the same one-time challenge cannot both pass).
   * @returns the invitation's id, or why the challenge is refused
   */
  async consumeChallenge(
    tx: EntityManager,
    challenge: string,
  ): Promise<{ invitationId: string } | { refusal: ChallengeRefusal; invitationId?: string }> {
    const now = this.clock.now();
    const hash = secretHash(challenge);
    const used = await this.store.consumeChallenge(tx, hash, now);
    if (used) return { invitationId: used };
    return challengeRefusal(await this.store.byChallengeHash(tx, hash), now);
  }
}

/**
 * Why a challenge that could not be used at `now` is refused, from the invitation with its hash
 * (null: none): UNKNOWN, EXPIRED, or else USED (no uses left).
 */
export function challengeRefusal(
  found: { id: string; expiresDateTime: Date } | null,
  now: Date,
): { refusal: ChallengeRefusal; invitationId?: string } {
  if (!found) return { refusal: 'UNKNOWN' };
  return {
    refusal: found.expiresDateTime.getTime() <= now.getTime() ? 'EXPIRED' : 'USED',
    invitationId: found.id,
  };
}

/** Thrown by callers that turn a refusal into a domain error. */
export function invitationRefused(refusal: ChallengeRefusal): InputValidationError {
  return new InputValidationError([
    {
      field: 'token',
      rule: refusal.toLowerCase(),
      message: `the enrollment invitation is ${refusal.toLowerCase()}`,
    },
  ]);
}
