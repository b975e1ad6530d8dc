import type { EntityManager } from '@mikro-orm/postgresql';
import type { CertificateEventPayload } from '../../events/topics.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import type { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { toCertificateEventPayload } from '../device/device.events.js';
import type { MdmCommandQueue } from './command-queue.service.js';
import { adoptsRenewedIdentity } from './identity-renewal.policy.js';
import { installProfile } from './mdm-commands.js';
import type { MdmClientCertificate } from './mdm-signature.js';
import type { PendingEnrollments } from './pending-enrollment.js';

/** Builds the re-sent enrollment profile (the enrollment profile module implements it). */
export interface RenewalProfiles {
  /**
   * The device's enrollment profile with a fresh one-time challenge bound to it and `identifier`.
   * @returns the signed profile, or null when a renewal is in flight or the device has no profile
   *   of ours installed
   */
  forRenewal(
    tx: EntityManager,
    device: ManagedDevice,
    identifier: string,
    now: Date,
  ): Promise<Uint8Array | null>;
}

/**
 * Identity renewal over Apple's protocol, the way Apple's MDM renews a device identity: inside
 * the renewal window (CERT_RENEWAL_WINDOW_DAYS) an Idle queues an `InstallProfile` of the
 * device's enrollment profile with a fresh SCEP challenge; the device replaces the profile, gets
 * a new certificate over SCEP, and its next message signed with it (Authenticate or any other)
 * makes that certificate its current one, the old one superseded, as a GraphQL renewal does.
 */
export class IdentityRenewalService {
  constructor(
    private readonly deps: {
      profiles: RenewalProfiles | null;
      pending: PendingEnrollments | null;
      certificates: CertificateService;
      commands: MdmCommandQueue;
    },
  ) {}

  /**
   * Queues the renewal profile for a device whose certificate is inside its renewal window, in
   * the caller's transaction, unless one is in flight. Older undelivered renewal commands (their
   * challenge expired) are cancelled first. Wake the device after commit.
   * @returns whether a command was queued
   */
  async queue(tx: EntityManager, device: ManagedDevice, identifier: string, now: Date): Promise<boolean> {
    if (!this.deps.profiles) return false;
    const profile = await this.deps.profiles.forRenewal(tx, device, identifier, now);
    if (!profile) return false;
    await this.deps.commands.cancelOpenOfType(tx, device.id, 'InstallProfile');
    this.deps.commands.enqueue(tx, device.id, installProfile(profile));
    return true;
  }

  /**
   * A message of the channel `identifier` (enrolled as `device`) signed with `presented`, a
   * certificate of ours that belongs to no device yet: adopted when it is this channel's renewal.
   * @returns the `certificateRenewed` payload to publish after commit, or null (not a renewal of
   *   this channel: the caller refuses the message)
   */
  async adopt(
    tx: EntityManager,
    presented: MdmClientCertificate,
    certificate: MdmCertificate,
    device: ManagedDevice,
    identifier: string,
    now: Date,
  ): Promise<CertificateEventPayload | null> {
    const binding = this.deps.pending ? await this.deps.pending.renewalFor(tx, presented) : null;
    if (!binding || !adoptsRenewedIdentity(binding, identifier, device.id)) return null;
    const previous = await this.deps.certificates.current(tx, device.id);
    if (!(await this.deps.pending!.renewed(tx, binding, device, now))) return null;
    return toCertificateEventPayload(device, certificate, now, {
      previousCertificateId: previous?.id ?? null,
    });
  }
}
