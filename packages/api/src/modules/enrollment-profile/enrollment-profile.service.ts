import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AppleEnrollmentService } from '../apple-enrollment/apple-enrollment.service.js';
import { AppleEnrollmentProfile, AppleProfileKind } from '../apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { CertificateAuthority } from '../certificate/certificate-authority.js';
import type { ServiceCertificate } from '../certificate/service-certificate.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { normalizeSerialNumber } from '../device/hardware-identifiers.js';
import { PrerequisiteMissingError } from '../enrollment/enrollment.errors.js';
import { APPLE_PATHS } from './apple-endpoints.js';
import type { EnrollmentInvitation } from './enrollment-invitation.entity.js';
import { EnrollmentInvitationStore } from './enrollment-invitation.store.js';
import type { EnrollmentInvitationService, MintedInvitation } from './enrollment-invitation.service.js';
import {
  enrollmentProfileXml,
  signProfile,
  type EnrollmentProfileSpec,
} from './enrollment-profile.builder.js';
import { MachineInfoError, readMachineInfo } from './machine-info.js';
import type { PushTopic } from './push-topic.js';

/** Who asked for a profile, for the audit. */
export interface ProfileCaller {
  clientAddress: string | null;
  requestId: string | null;
}

/** A signed profile, or why none is served (`status`: the HTTP status the device gets). */
export type ProfileResult =
  | { profile: Buffer; invitationId: string }
  | { refused: string; code: string; status: 400 | 403 | 404 | 410 };

/** How the gateway names itself in profiles. */
export interface ProfileIdentity {
  publicUrl: string;
  organization: string;
  topic: PushTopic;
}

/**
 * Serves signed enrollment profiles: for an invitation's profile URL (BYOD, DEM, USB-Direct),
 * and for a DEP / USB-SA device's MachineInfo, whose serial must be listed with an assigned Apple
 * profile (seed: DEP only for devices the organisation bought through Apple; USB-SA for devices
 * prepared with Configurator). Each profile carries a challenge bound to its invitation.
 */
export class EnrollmentProfileService {
  constructor(
    private readonly audit: AuditService,
    private readonly apple: AppleEnrollmentService,
    private readonly invitations: EnrollmentInvitationService,
    private readonly signer: ServiceCertificate,
    private readonly ca: CertificateAuthority,
    private readonly identity: ProfileIdentity,
    private readonly forkEntityManager: () => EntityManager,
    private readonly invitationStore = new EnrollmentInvitationStore(),
  ) {}

  /**
   * Identity renewal (the way Apple's MDM renews a device identity: the server re-sends the
   * enrollment profile over the MDM channel, the device runs its SCEP payload again and replaces
   * the profile): the device's enrollment profile again, same push topic and URLs and the payload
   * identifiers of its installed profile, with a fresh one-time challenge bound to the device and
   * `identifier` (its UDID or EnrollmentID).
   * @returns the signed profile, or null when the device has no profile of ours installed (it was
   *   enrolled without SCEP, e.g. through `enrollDevice`) or a renewal is already in flight
   */
  async forRenewal(
    tx: EntityManager,
    device: ManagedDevice,
    identifier: string,
    now: Date,
  ): Promise<Buffer | null> {
    if (await this.invitationStore.renewalInFlight(tx, device.id, now)) return null;
    const installed = await this.invitationStore.installedProfile(tx, device.id);
    if (!installed) return null;
    const appleProfile = installed.appleProfileId
      ? await tx.findOne(AppleEnrollmentProfile, installed.appleProfileId)
      : null;
    const minted = this.invitations.mintForRenewal(tx, device, identifier, {
      identifierId: installed.identifierId,
      appleProfile,
    });
    return this.signed(minted, appleProfile);
  }

  /** What a profile for `invitation` says. */
  spec(
    invitation: Pick<EnrollmentInvitation, 'id' | 'method' | 'profileIdentifierId'>,
    challenge: string,
    appleProfile: AppleEnrollmentProfile | null,
  ): EnrollmentProfileSpec {
    const base = this.identity.publicUrl.replace(/\/$/, '');
    const { organization } = this.identity;
    return {
      invitationId: invitation.id,
      identifierId: invitation.profileIdentifierId ?? invitation.id,
      organization,
      displayName: `${organization} device management`,
      description: `Enrolls this device in ${organization}'s device management (${invitation.method}).`,
      scepUrl: `${base}${APPLE_PATHS.scep}`,
      challenge,
      checkInUrl: `${base}${APPLE_PATHS.checkIn}`,
      serverUrl: `${base}${APPLE_PATHS.server}`,
      topic: this.identity.topic.topic,
      caCertificateDer: new Uint8Array(this.ca.certificate.rawData),
      // Seed, DEP "Locked: Optional" → the profile's isMandatory or profileRemovalDisabled.
      removalDisallowed:
        invitation.method === EnrollmentMethodKind.DEP &&
        !!appleProfile &&
        (appleProfile.isMandatory || appleProfile.profileRemovalDisabled),
    };
  }

  private async signed(
    minted: Pick<MintedInvitation, 'invitation' | 'challenge'>,
    appleProfile: AppleEnrollmentProfile | null,
  ) {
    return signProfile(
      enrollmentProfileXml(this.spec(minted.invitation, minted.challenge, appleProfile)),
      this.signer,
      new Uint8Array(this.ca.certificate.rawData),
    );
  }

  /** The signed profile of an invitation's profile URL token (BYOD, DEM, USB-Direct). */
  async forProfileToken(token: string, caller: ProfileCaller): Promise<ProfileResult> {
    const em = this.forkEntityManager();
    const found = await this.invitations.findByProfileToken(em, token);
    if ('refusal' in found) {
      const code = `INVITATION_${found.refusal}`;
      await this.record('enrollmentProfile.download', AuditOutcome.refused, code, caller, null, {});
      return {
        refused: `this enrollment link is ${found.refusal.toLowerCase()}`,
        code,
        status: found.refusal === 'UNKNOWN' ? 404 : 410,
      };
    }
    const { invitation } = found;
    const profile = await this.signed(
      { invitation, challenge: this.invitations.challengeOf(token) },
      invitation.appleProfile?.getEntity() ?? null,
    );
    await this.record('enrollmentProfile.download', AuditOutcome.success, null, caller, invitation.id, {
      method: invitation.method,
    });
    return { profile, invitationId: invitation.id };
  }

  /**
   * The signed profile for a device's MachineInfo: DEP (serial in the ABM list with a DEP
   * profile) or USB-SA (`exportToken` of a USB-SA export, serial in the Configurator list with a
   * USB-SA profile). A fresh single-use invitation is bound to the serial and profile.
   */
  async forMachineInfo(
    method: EnrollmentMethodKind.DEP | EnrollmentMethodKind.USB_SA,
    body: Uint8Array,
    exportToken: string | null,
    caller: ProfileCaller,
  ): Promise<ProfileResult> {
    const action = method === EnrollmentMethodKind.DEP ? 'enrollmentProfile.dep' : 'enrollmentProfile.usbSa';
    let serialNumber: string;
    let udid: string;
    try {
      const info = await readMachineInfo(body);
      udid = info.udid;
      const normalized = normalizeSerialNumber(info.serialNumber);
      if (!normalized.ok) throw new MachineInfoError(`SERIAL: ${normalized.message}`);
      serialNumber = normalized.value;
    } catch (error) {
      if (!(error instanceof MachineInfoError)) throw error;
      await this.record(action, AuditOutcome.refused, 'MACHINE_INFO_INVALID', caller, null, {
        reason: error.message,
      });
      return { refused: error.message, code: 'MACHINE_INFO_INVALID', status: 400 };
    }
    const em = this.forkEntityManager();
    try {
      const minted = await em.transactional(async (tx) => {
        if (method === EnrollmentMethodKind.USB_SA) {
          const exported = exportToken ? await this.apple.findExport(tx, exportToken) : null;
          if (!exported || exported.kind !== AppleProfileKind.USB_SA)
            throw new PrerequisiteMissingError('unknown USB-SA enrollment URL');
        }
        const kind = method === EnrollmentMethodKind.DEP ? AppleProfileKind.DEP : AppleProfileKind.USB_SA;
        const { profile } = await this.apple.grantForSerial(tx, kind, serialNumber);
        return { ...(await this.invitations.mintForSerial(tx, method, serialNumber, profile)), profile };
      });
      const signed = await this.signed(minted, minted.profile);
      await this.record(action, AuditOutcome.success, null, caller, minted.invitation.id, {
        serialNumber,
        udid,
      });
      return { profile: signed, invitationId: minted.invitation.id };
    } catch (error) {
      if (!(error instanceof PrerequisiteMissingError)) throw error;
      await this.record(action, AuditOutcome.refused, error.code, caller, null, {
        serialNumber,
        udid,
        reason: error.message,
      });
      return { refused: error.message, code: error.code, status: 403 };
    }
  }

  /**
   * The enrollment profile of a USB-Direct export (Configurator installs the `.mobileconfig` on
   * many devices): an invitation reusable until the export expires, its unsigned XML (the export's
   * `mobileconfig`) and its URL, which serves the signed profile.
   */
  async forUsbDirectExport(
    tx: EntityManager,
    profile: AppleEnrollmentProfile,
    expiresDateTime: Date,
    createdBy: string | null,
  ): Promise<{ mobileconfig: string; profileUrl: string }> {
    const minted = await this.invitations.mintForExport(tx, profile, expiresDateTime, createdBy);
    return {
      mobileconfig: enrollmentProfileXml(this.spec(minted.invitation, minted.challenge, profile)),
      profileUrl: minted.profileUrl,
    };
  }

  private record(
    action: string,
    outcome: AuditOutcome,
    code: string | null,
    caller: ProfileCaller,
    invitationId: string | null,
    args: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      outcome,
      code,
      principal: null,
      clientAddress: caller.clientAddress,
      requestId: caller.requestId,
      targetType: invitationId ? 'EnrollmentInvitation' : null,
      targetId: invitationId,
      args,
    });
  }
}
