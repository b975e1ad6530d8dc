import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import * as pkijs from 'pkijs';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError } from '../../shared/domain-error.js';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus, RevocationReason } from '../certificate/mdm-certificate.enums.js';
import type { ServiceCertificate } from '../certificate/service-certificate.js';
import { CertificateStore } from '../certificate/certificate.store.js';
import { x509 } from '../certificate/x509-runtime.js';
import { isActiveDevice } from '../device/active-device.policy.js';
import { DeviceStore } from '../device/device.store.js';
import { toCertificateEventPayload } from '../device/device.events.js';
import type { EnrollmentInvitationService } from '../enrollment-profile/enrollment-invitation.service.js';
import {
  challengeRefusal,
  secretHash,
  type ChallengeRefusal,
} from '../enrollment-profile/enrollment-invitation.service.js';
import {
  readCertificationRequest,
  type CertificationRequestFields,
} from '../certificate/certification-request.js';
import { pemOf } from '../certificate/pem.js';
import {
  CHALLENGE_PASSWORD_OID,
  degenerateCertificates,
  openEnvelope,
  readScepRequest,
  ScepFailInfo,
  ScepMessageError,
  ScepMessageType,
  ScepRefusal,
  scepCertificate,
  writeCertRep,
  type ScepRecipient,
  type ScepRequest,
  type ScepSigner,
} from './scep-message.js';

/**
 * GetCACaps (RFC 8894 section 3.5.2): what this server supports. POSTPKIOperation: requests in
 * the body; SHA-256 and AES: algorithms a client may use; SCEPStandard: RFC 8894 as a whole;
 * Renewal: RenewalReq signed with the current certificate.
 */
export const SCEP_CAPABILITIES = ['POSTPKIOperation', 'SHA-256', 'AES', 'SCEPStandard', 'Renewal'] as const;

/** Who sent a SCEP request, for the audit. */
export interface ScepCaller {
  clientAddress: string | null;
  requestId: string | null;
}

/** The result of a PKIOperation: a CertRep to send, or a message too broken to answer in SCEP. */
export type PkiOperationResult = { certRep: Buffer } | { unreadable: string };

/**
 * The SCEP server's state machine (RFC 8894): PKCSReq with a one-time challenge → a device-less
 * MDM certificate and a pending enrollment; RenewalReq signed by the device's current, unrevoked
 * certificate → its successor. Every refusal is a CertRep FAILURE with its failInfo and an audit
 * record; the transport (scep.handler.ts) only moves bytes.
 */
export class ScepService {
  private readonly recipient: ScepRecipient;
  private readonly signer: ScepSigner;
  private readonly caChain: Buffer;
  /** The CA certificate (DER), sent with each issued one. */
  private readonly caDer: Uint8Array;

  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly audit: AuditService,
    private readonly certificates: CertificateService,
    private readonly invitations: EnrollmentInvitationService,
    private readonly ra: ServiceCertificate,
    private readonly forkEntityManager: () => EntityManager,
    private readonly certificateStore = new CertificateStore(),
    private readonly deviceStore = new DeviceStore(),
  ) {
    const ca = certificates.authority.ca.certificate;
    this.caDer = new Uint8Array(ca.rawData);
    // The RA as the CMS reader and writer use it: parsed once here, not per request.
    const raCertificate = scepCertificate(new Uint8Array(ra.certificate.rawData));
    this.signer = { certificate: raCertificate, privateKey: ra.privateKey };
    this.recipient = {
      certificate: raCertificate,
      cms: ra.cms,
      privateKey: ra.privateKey,
      rejectionKey: createHmac('sha256', certificates.authority.deviceTokenKey)
        .update('scep-rejection')
        .digest(),
    };
    this.caChain = Buffer.from(degenerateCertificates([pkijs.Certificate.fromBER(ca.rawData), ra.cms]));
  }

  /** GetCACaps: one capability per line. */
  capabilities(): string {
    return `${SCEP_CAPABILITIES.join('\n')}\n`;
  }

  /** GetCACert: the CA and the RA as a certs-only SignedData (`application/x-x509-ca-ra-cert`). */
  caCertificates(): Buffer {
    return this.caChain;
  }

  /** PKIOperation: reads the pkiMessage, decides, answers with a CertRep. */
  async pkiOperation(der: Uint8Array, caller: ScepCaller): Promise<PkiOperationResult> {
    let request: ScepRequest;
    try {
      request = await readScepRequest(der);
    } catch (error) {
      if (!(error instanceof ScepMessageError)) throw error;
      if (error.request) {
        await this.recordRefusal(error.request, error.failInfo, 'SCEP_SIGNATURE_INVALID', caller);
        return { certRep: await this.failure(error.request, error.failInfo) };
      }
      await this.audit.record({
        action: 'scep.PKIOperation',
        outcome: AuditOutcome.refused,
        code: 'SCEP_MESSAGE_UNREADABLE',
        principal: null,
        clientAddress: caller.clientAddress,
        requestId: caller.requestId,
        args: { reason: error.message },
      });
      return { unreadable: error.message };
    }
    try {
      const certificate =
        request.messageType === ScepMessageType.PKCSReq
          ? await this.enroll(request, caller)
          : request.messageType === ScepMessageType.RenewalReq
            ? await this.renew(request, caller)
            : this.refuse(
                ScepFailInfo.badRequest,
                'SCEP_UNSUPPORTED_MESSAGE',
                `messageType ${request.messageType} is not served`,
              );
      return {
        certRep: await writeCertRep(request, this.signer, {
          status: 'SUCCESS',
          // The DER of the PEM just issued, copied into the answer as it is.
          certificate: new Uint8Array(x509.PemConverter.decodeFirst(certificate.pem)),
          caCertificates: [this.caDer],
        }),
      };
    } catch (error) {
      if (error instanceof ScepRefusal) {
        await this.recordRefusal(
          request,
          error.failInfo,
          error.code,
          caller,
          error.message,
          error.invitationId,
        );
        return { certRep: await this.failure(request, error.failInfo) };
      }
      throw error;
    }
  }

  private failure(request: ScepRequest, failInfo: ScepFailInfo): Promise<Buffer> {
    return writeCertRep(request, this.signer, { status: 'FAILURE', failInfo });
  }

  private refuse(failInfo: ScepFailInfo, code: string, message: string, invitationId?: string): never {
    throw new ScepRefusal(failInfo, message, code, invitationId);
  }

  /**
   * The PKCS#10 request inside the envelope: its DER, as PEM, and what issuance reads of it: its
   * fields read from the DER (the common shape), else the library's parse.
   */
  private requestedCertificate(request: ScepRequest): {
    der: Buffer;
    csr: CertificationRequestFields | x509.Pkcs10CertificateRequest;
    pem: string;
  } {
    const der = openEnvelope(request.envelope, this.recipient);
    const pem = pemOf(der, 'CERTIFICATE REQUEST');
    const fields = readCertificationRequest(der);
    if (fields) return { der, csr: fields, pem };
    try {
      return { der, csr: new x509.Pkcs10CertificateRequest(der), pem };
    } catch {
      return this.refuse(
        ScepFailInfo.badRequest,
        'SCEP_CSR_INVALID',
        'the envelope does not hold a PKCS#10 request',
      );
    }
  }

  /**
   * PKCSReq (RFC 8894 section 3.3.1): the request is signed with the requester's own key (a
   * self-signed certificate of the CSR's key), and its challenge password must be an unexpired,
   * unused challenge of an enrollment invitation. The certificate is issued without a device and
   * recorded as a pending enrollment carrying the invitation's binding: built first, then the
   * challenge's use, the certificate, the pending enrollment and the audit record are written by
   * one statement (nothing is written when the challenge is refused).
   */
  private async enroll(request: ScepRequest, caller: ScepCaller): Promise<MdmCertificate> {
    const { csr, pem } = this.requestedCertificate(request);
    const fields =
      csr instanceof x509.Pkcs10CertificateRequest
        ? { spki: Buffer.from(csr.publicKey.rawData), challengePassword: challengePasswordOf(csr) }
        : csr;
    if (!request.signerCertificate.spki.equals(fields.spki))
      this.refuse(
        ScepFailInfo.badMessageCheck,
        'SCEP_SIGNER_MISMATCH',
        'the PKCSReq is not signed with the requested key',
      );
    // The signer's key, already imported to check the message, is the requested one.
    if (!(csr instanceof x509.Pkcs10CertificateRequest) && request.signerCertificate.key)
      csr.key = request.signerCertificate.key;
    const password = fields.challengePassword;
    if (!password)
      this.refuse(
        ScepFailInfo.badRequest,
        'SCEP_CHALLENGE_MISSING',
        'the request carries no challenge password',
      );
    const now = this.clock.now();
    const pendingId = randomUUID();
    let certificate: MdmCertificate;
    try {
      certificate = await this.certificates.buildWithoutDevice(pendingId, now, pem, csr);
    } catch (error) {
      if (!(error instanceof InputValidationError)) throw error;
      // A refused challenge is reported before a refused CSR: look at the challenge as a use of
      // it would (in a transaction rolled back by the refusal, so it stays unused).
      await this.forkEntityManager().transactional(async (tx) => {
        this.refuseChallenge(await this.invitations.consumeChallenge(tx, password));
        this.refuse(ScepFailInfo.badRequest, 'SCEP_CSR_REFUSED', error.message);
      });
      throw error;
    }
    const written = await this.certificateStore.insertPendingEnrollment(this.forkEntityManager(), {
      challengeHash: secretHash(password),
      now,
      pendingId,
      certificate,
      audit: this.audit.row({
        action: 'scep.PKCSReq',
        outcome: AuditOutcome.success,
        principal: null,
        clientAddress: caller.clientAddress,
        requestId: caller.requestId,
        targetType: 'PendingEnrollment',
        targetId: pendingId,
        // invitationId: added by the statement, which finds the invitation.
        args: { transactionId: request.transactionId, serialNumber: certificate.serialNumber },
      }),
    });
    if (!written.used) this.refuseChallenge(challengeRefusal(written.invitation, now));
    return certificate;
  }

  /** Refuses a challenge that could not be used (`consumed` holds a refusal); returns otherwise. */
  private refuseChallenge(
    consumed: { invitationId: string } | { refusal: ChallengeRefusal; invitationId?: string },
  ): void {
    if ('refusal' in consumed)
      this.refuse(
        ScepFailInfo.badRequest,
        `SCEP_CHALLENGE_${consumed.refusal}`,
        `the challenge is ${consumed.refusal.toLowerCase()}`,
        consumed.invitationId,
      );
  }

  /**
   * RenewalReq (RFC 8894 section 3.3.1.2): signed by the certificate being renewed, which must be
   * ours, current (not superseded), unrevoked and unexpired. A device's certificate is superseded
   * by the new one (as a renewal at check-in does, with its `certificateRenewed` event); a pending
   * enrollment's certificate is replaced and the enrollment stays pending with the new one.
   */
  private async renew(request: ScepRequest, caller: ScepCaller): Promise<MdmCertificate> {
    const thumbprint = createHash('sha256').update(request.signerCertificate.der).digest('hex').toUpperCase();
    const { pem } = this.requestedCertificate(request);
    const now = this.clock.now();
    const em = this.forkEntityManager();
    const outcome = await em.transactional(async (tx) => {
      const current = await this.certificateStore.byThumbprintLocked(tx, thumbprint);
      if (!current)
        return this.refuse(
          ScepFailInfo.badCertId,
          'SCEP_RENEWAL_UNKNOWN_CERTIFICATE',
          'the RenewalReq is not signed by a certificate of this gateway',
        );
      if (current.status === MdmCertificateStatus.revoked || current.supersededById)
        this.refuse(
          ScepFailInfo.badRequest,
          'CERTIFICATE_REVOKED',
          'the signing certificate is revoked or superseded',
        );
      if (current.notAfter.getTime() < now.getTime())
        this.refuse(ScepFailInfo.badRequest, 'CERTIFICATE_EXPIRED', 'the signing certificate expired');
      if (current.device) {
        const device = await this.deviceStore.byId(tx, current.device.id);
        if (!device) throw new Error(`certificate ${current.id} names a device that does not exist`);
        if (!isActiveDevice(device.managementState))
          this.refuse(
            ScepFailInfo.badRequest,
            'INVALID_DEVICE_STATE',
            `the device is ${device.managementState}`,
          );
        const credential = await this.issueOrRefuse(() =>
          this.certificates.issue(tx, device, now, pem, 'csr'),
        );
        await tx.flush();
        return { certificate: credential.certificate, device, previous: current };
      }
      const pending = await this.certificateStore.pendingEnrollmentHolding(tx, current.id);
      if (!pending)
        return this.refuse(
          ScepFailInfo.badCertId,
          'SCEP_RENEWAL_UNKNOWN_CERTIFICATE',
          'the certificate belongs to no device',
        );
      const certificate = await this.issueOrRefuse(() =>
        this.certificates.issueWithoutDevice(tx, pending.id, now, pem),
      );
      current.status = MdmCertificateStatus.revoked;
      current.revokedDateTime = now;
      current.revocationReason = RevocationReason.superseded;
      current.supersededById = certificate.id;
      pending.certificate = tx.getReference(MdmCertificate, certificate.id, { wrapped: true });
      await tx.flush();
      return { certificate, device: null, previous: current };
    });
    void this.audit.record({
      action: 'scep.RenewalReq',
      outcome: AuditOutcome.success,
      principal: null,
      clientAddress: caller.clientAddress,
      requestId: caller.requestId,
      targetType: outcome.device ? 'ManagedDevice' : 'MdmCertificate',
      targetId: outcome.device?.id ?? outcome.previous.id,
      args: {
        transactionId: request.transactionId,
        previousSerialNumber: outcome.previous.serialNumber,
        serialNumber: outcome.certificate.serialNumber,
      },
    });
    if (outcome.device)
      void this.events.publishCommitted([
        {
          topic: Topic.CertificateRenewed,
          payload: toCertificateEventPayload(outcome.device, outcome.certificate, now, {
            previousCertificateId: outcome.previous.id,
          }),
        },
      ]);
    return outcome.certificate;
  }

  /** Runs an issuance, turning a refused CSR (key type, signature) into badRequest. */
  private async issueOrRefuse<T>(issue: () => Promise<T>): Promise<T> {
    try {
      return await issue();
    } catch (error) {
      if (error instanceof InputValidationError)
        return this.refuse(ScepFailInfo.badRequest, 'SCEP_CSR_REFUSED', error.message);
      throw error;
    }
  }

  private async recordRefusal(
    request: ScepRequest,
    failInfo: ScepFailInfo,
    code: string,
    caller: ScepCaller,
    reason?: string,
    invitationId?: string,
  ): Promise<void> {
    await this.audit.record({
      action: request.messageType === ScepMessageType.RenewalReq ? 'scep.RenewalReq' : 'scep.PKCSReq',
      outcome: AuditOutcome.refused,
      code,
      principal: null,
      clientAddress: caller.clientAddress,
      requestId: caller.requestId,
      targetType: invitationId ? 'EnrollmentInvitation' : null,
      targetId: invitationId ?? null,
      args: {
        transactionId: request.transactionId,
        failInfo: failInfoName(failInfo),
        reason,
      },
    });
  }
}

/** The PKCS#9 challengePassword of a parsed request, '' when it has none. */
function challengePasswordOf(csr: x509.Pkcs10CertificateRequest): string {
  const challenge = csr.getAttribute(CHALLENGE_PASSWORD_OID);
  return challenge ? new x509.ChallengePasswordAttribute(challenge.rawData).password : '';
}

/** The RFC name of a failInfo value (`2` → `badRequest`). */
export function failInfoName(value: ScepFailInfo): string {
  return Object.entries(ScepFailInfo).find(([, v]) => v === value)?.[0] ?? value;
}
