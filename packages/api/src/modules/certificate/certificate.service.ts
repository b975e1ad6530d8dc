import { createHash, createHmac, randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Reference } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CertificateConfig } from '../../config/config.js';
import { validateInput } from '../../shared/validation.js';
import { deviceIdSchema } from '../device/device.service.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { lifecyclePolicy, type LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';
import { deviceCertificateValidity, issueDeviceCertificate, type IssuedDeviceCertificate } from './index.js';
import type { IssuingCa } from './issuing-ca.js';
import type { x509 } from './x509-runtime.js';
import type { CertificationRequestFields } from './certification-request.js';
import { CertificateStore } from './certificate.store.js';
import { MdmCertificate } from './mdm-certificate.entity.js';
import { MdmCertificateStatus, RevocationReason } from './mdm-certificate.enums.js';
import { csrRefused } from './certificate.errors.js';

/**
 * What a device receives when a certificate is issued to it (enrollment or renewal). The
 * private key (server-generated path only) and the device token are returned this once and
 * never stored.
 */
export interface IssuedCredential {
  certificate: MdmCertificate;
  /** PKCS#8 PEM of the server-generated key; undefined when the device sent a CSR. */
  privateKeyPem?: string;
  /** HMAC check-in token bound to this certificate (docs/certificates.md, "device token"). */
  deviceToken: string;
}

/** What a device certificate names of its device: the subject of `prepareMany`. */
export interface CertificateSubject {
  id: string;
  deviceName: string;
  /** The hardware serial number (null: none). */
  serialNumber: string | null;
}

/** Certificates built ahead of their batch's transaction (`prepareMany`), index for index. */
export interface PreparedBatch {
  subjects: readonly CertificateSubject[];
  issued: readonly IssuedDeviceCertificate[];
}

/**
 * Certificates `prepareMany` builds between two yields to the event loop: ~5 ms of CPU on a quiet
 * machine, so a statement's reply waits at most that long.
 */
const PREPARE_CHUNK = 100;

/** Issues, supersedes and revokes MDM device certificates; the PKI rules live in ./index.ts. */
export class CertificateService {
  constructor(
    private readonly issuing: IssuingCa,
    private readonly config: CertificateConfig,
    /** Every statement about certificates. */
    private readonly store = new CertificateStore(),
  ) {
    this.lifecycle = lifecyclePolicy(config);
  }

  /** The lifecycle rules, from the same configuration. */
  private readonly lifecycle: LifecyclePolicy;

  /** The issuing CA's certificate (PEM) and where it came from. */
  get authority(): IssuingCa {
    return this.issuing;
  }

  /**
   * Issues a certificate to `device` inside the caller's transaction `tx`, superseding its
   * current one (seed: "When a device is enrolled, it is issued an MDM certificate";
   * re-enrollment and renewal revoke the old certificate with reason `superseded`). Sets Graph
   * `managementCertificateExpirationDate`. Call it from enrollment and from renewal at check-in.
   * @param csrPem PKCS#10 request; without one the key pair is generated and returned once
   * @throws InputValidationError (field `fieldPath`, rule `csr`) for a refused CSR
   */
  async issue(
    tx: EntityManager,
    device: ManagedDevice,
    now: Date,
    csrPem?: string | null,
    fieldPath = 'input.csr',
  ): Promise<IssuedCredential> {
    const issued = await this.build(device, now, csrPem, fieldPath);
    const certificate = tx.create(MdmCertificate, {
      device: device.id,
      ...recordFields(issued, this.statusAt(issued.notAfter, now), now),
    });
    await this.store.supersede(tx, device.id, certificate.id, now);
    device.managementCertificateExpirationDate = issued.notAfter;
    return {
      certificate,
      privateKeyPem: issued.privateKeyPem,
      deviceToken: this.deviceToken(issued.sha256Thumbprint),
    };
  }

  /**
   * Enrollment of a device that has no record yet: its first certificate (same rules as `issue`),
   * NOT written: the caller writes the device row and this certificate row in one statement
   * (enrollment.store.ts `insertNewDevice`). Sets `managementCertificateExpirationDate` on
   * `device`, which must be new (never persisted, so it has no certificate to supersede). The
   * certificate entity is not managed by any entity manager. Why: the enrollment hot path, where
   * the unit of work's flush cost two ORM-built INSERTs and `issue` a supersede UPDATE that cannot
   * match anything for a new device.
   * @param prepared from `prepare` for this `device` (built outside the transaction); built here otherwise
   * @throws InputValidationError (field `fieldPath`) for a refused CSR
   */
  async newDeviceCredential(
    device: ManagedDevice,
    now: Date,
    csrPem?: string | null,
    fieldPath = 'input.csr',
    prepared?: PreparedCertificate,
  ): Promise<IssuedCredential> {
    const issued =
      prepared?.device === device ? await prepared.issued : await this.build(device, now, csrPem, fieldPath);
    device.managementCertificateExpirationDate = issued.notAfter;
    const certificate = this.certificateOf(device, issued, this.statusAt(issued.notAfter, now), now);
    return {
      certificate,
      privateKeyPem: issued.privateKeyPem,
      deviceToken: this.deviceToken(issued.sha256Thumbprint),
    };
  }

  /**
   * Records for `device` a certificate this CA already issued to it outside enrollment (SCEP: the
   * device got its identity certificate before its first check-in, Apple's "Authenticate"),
   * inside the caller's transaction `tx`, with the same rules as `issue`: it becomes the device's
   * current certificate, superseding (and revoking) the previous one, and sets
   * `managementCertificateExpirationDate`. The row of that serial number is reused when one exists.
   * The device row must be flushed. The caller has checked that `pem` chains to this CA.
   */
  async adopt(tx: EntityManager, device: ManagedDevice, pem: string, now: Date): Promise<IssuedCredential> {
    const x509 = new X509Certificate(pem);
    const serialNumber = x509.serialNumber.toUpperCase();
    const notAfter = new Date(x509.validTo);
    let certificate = await this.store.bySerialNumber(tx, serialNumber);
    if (certificate) {
      await this.store.assignToDevice(tx, certificate.id, device.id);
      tx.assign(certificate, { device: device.id, supersededById: null });
    } else {
      certificate = tx.create(MdmCertificate, {
        device: device.id,
        serialNumber,
        sha256Thumbprint: x509.fingerprint256.replaceAll(':', ''),
        subject: x509.subject.split('\n').reverse().join(', '),
        issuer: x509.issuer.split('\n').reverse().join(', '),
        notBefore: new Date(x509.validFrom),
        notAfter,
        status: this.statusAt(notAfter, now),
        pem,
        issuedDateTime: now,
      });
    }
    await this.store.supersede(tx, device.id, certificate.id, now);
    device.managementCertificateExpirationDate = notAfter;
    return { certificate, deviceToken: this.deviceToken(certificate.sha256Thumbprint) };
  }

  /**
   * Revokes the certificate with this serial number (a refused protocol enrollment: the device
   * keeps no working identity). No-op for an unknown serial.
   */
  async revokeBySerialNumber(
    tx: EntityManager,
    serialNumber: string,
    now: Date,
    reason = RevocationReason.cessationOfOperation,
  ): Promise<number> {
    return this.store.revokeBySerialNumber(tx, serialNumber, now, reason);
  }

  /**
   * Issues a certificate that belongs to no device yet (SCEP: the device is known only once it
   * checks in) inside `tx`, for the PKCS#10 request `csrPem`. Same CA, validity and extensions as
   * any device certificate; the subject CN is `subjectId` (the pending enrollment's id). `csr`:
   * the same request already read by the caller, so issuance does not parse it again.
   * @throws InputValidationError (field `csr`) for a refused CSR
   */
  async issueWithoutDevice(
    tx: EntityManager,
    subjectId: string,
    now: Date,
    csrPem: string,
    csr?: x509.Pkcs10CertificateRequest | CertificationRequestFields,
  ): Promise<MdmCertificate> {
    const certificate = await this.buildWithoutDevice(subjectId, now, csrPem, csr);
    tx.persist(certificate);
    return certificate;
  }

  /**
   * The certificate `issueWithoutDevice` issues, NOT written: an unmanaged entity (id set, no
   * device) for a caller that writes its row in its own statement (SCEP's PKCSReq,
   * `CertificateStore.insertPendingEnrollment`).
   * @throws InputValidationError (field `csr`) for a refused CSR
   */
  async buildWithoutDevice(
    subjectId: string,
    now: Date,
    csrPem: string,
    csr?: x509.Pkcs10CertificateRequest | CertificationRequestFields,
  ): Promise<MdmCertificate> {
    const issued = await this.issuedWithoutDevice(subjectId, now, csrPem, csr);
    return Object.assign(new MdmCertificate(), {
      id: randomUUID(),
      device: null,
      ...recordFields(issued, this.statusAt(issued.notAfter, now), now),
    });
  }

  /** The certificate of a device-less subject for a CSR, translating a refused CSR into an input error. */
  private async issuedWithoutDevice(
    subjectId: string,
    now: Date,
    csrPem: string,
    csr: x509.Pkcs10CertificateRequest | CertificationRequestFields | undefined,
  ): Promise<IssuedDeviceCertificate> {
    try {
      return await issueDeviceCertificate({
        ca: this.issuing.ca,
        deviceId: subjectId,
        deviceName: '',
        csrPem,
        ...(csr ? { csr } : {}),
        now,
        validityDays: this.config.validityDays,
        backdateSeconds: this.config.backdateSeconds,
      });
    } catch (error) {
      throw csrRefused(error, 'csr');
    }
  }

  /**
   * Builds, outside any transaction, the certificate a device will get if it turns out to be new
   * (key pair, signature: the CPU of issuance), for `newDeviceCredential(..., prepared)`: a
   * transaction then holds its connection and locks only for its statements. `device` is the
   * unsaved record the caller will insert (its id and the fields the certificate names must not
   * change). A refused CSR rejects `issued` only when it is awaited, where the error would have
   * been raised anyway (refusals keep their order).
   */
  prepare(
    device: ManagedDevice,
    now: Date,
    csrPem?: string | null,
    fieldPath = 'input.csr',
  ): PreparedCertificate {
    const issued = this.build(device, now, csrPem, fieldPath);
    issued.catch(() => {}); // handled where awaited
    return { device, issued };
  }

  /** Builds (and signs) the certificate of `device`, translating a refused CSR into an input error. */
  private async build(
    device: ManagedDevice,
    now: Date,
    csrPem: string | null | undefined,
    fieldPath: string,
  ): Promise<IssuedDeviceCertificate> {
    try {
      return await issueDeviceCertificate({
        ca: this.issuing.ca,
        deviceId: device.id,
        deviceName: device.deviceName,
        serialNumber: device.serialNumber ?? undefined,
        csrPem: csrPem ?? undefined,
        now,
        validityDays: this.config.validityDays,
        backdateSeconds: this.config.backdateSeconds,
      });
    } catch (error) {
      throw csrRefused(error, fieldPath);
    }
  }

  /** The status a certificate with this notAfter is recorded with at issuance. */
  private statusAt(notAfter: Date, now: Date): MdmCertificateStatus {
    return this.lifecycle.status({ notAfter, status: MdmCertificateStatus.valid }, now);
  }

  /**
   * The validity of a certificate issued at `now` (CERT_VALIDITY_DAYS, CERT_BACKDATE_SECONDS,
   * clamped to the CA): lets a batch write `managementCertificateExpirationDate` with its device rows.
   * @throws CertificateAuthorityError('CA_NOT_VALID') when the CA is not valid at `now`
   */
  validityAt(now: Date): { notBefore: Date; notAfter: Date } {
    return deviceCertificateValidity(
      this.issuing.ca,
      now,
      this.config.validityDays,
      this.config.backdateSeconds,
    );
  }

  /**
   * Builds, outside any transaction, the certificates (server-generated keys) a batch of devices
   * about to be written will get: the CPU of a batch's issuance (key pairs, signatures), for
   * `issueMany(..., { prepared })`. It works in chunks of {@link PREPARE_CHUNK} and yields to the
   * event loop between them, so the batch's statements run meanwhile (their round trips and the
   * database's work overlap this CPU). Aborting `signal` stops it after the current chunk (a
   * refused batch). A subject whose id or named fields turn out different when the rows are
   * written is built again by `issueMany`.
   * @returns the subjects and their certificates, in the order of `subjects`
   * @throws CertificateAuthorityError('CA_NOT_VALID'); `signal.reason` when aborted
   */
  async prepareMany(
    subjects: readonly CertificateSubject[],
    now: Date,
    signal?: AbortSignal,
  ): Promise<PreparedBatch> {
    const issued: Promise<IssuedDeviceCertificate>[] = [];
    for (let start = 0; start < subjects.length; start += PREPARE_CHUNK) {
      if (start > 0) await yieldToEventLoop();
      if (signal?.aborted) {
        await Promise.allSettled(issued);
        throw signal.reason;
      }
      for (const subject of subjects.slice(start, start + PREPARE_CHUNK))
        issued.push(this.buildServerKeyed(subject, now));
    }
    return { subjects, issued: await Promise.all(issued) };
  }

  /**
   * Set-based issuance for a batch of devices (bulk enrollment): every certificate is assembled
   * and signed in memory (signatures on the thread pool, in parallel), then ONE statement
   * supersedes the devices' previous certificates and ONE multi-row INSERT stores the new ones,
   * inside the caller's transaction `tx`. Same rules as `issue` (server-generated keys, no CSR).
   * Why: issuing one by one cost a supersede statement, an ORM entity and its flush per device.
   * The caller records `managementCertificateExpirationDate` (`validityAt(now).notAfter`) with its
   * own set-based device write; the returned certificates are not managed by `tx`.
   * @param options.prepared certificates built by `prepareMany` (same `now`): used for each device
   *   whose id, name and serial number are the prepared subject's at the same index; others are built here
   * @param options.newDeviceIds devices inserted by `tx` itself (no certificate to supersede): the
   *   supersede statement covers only the others, and is skipped when there are none
   * @returns one credential per device, in the order of `devices`
   */
  async issueMany(
    tx: EntityManager,
    devices: readonly ManagedDevice[],
    now: Date,
    options: { prepared?: PreparedBatch; newDeviceIds?: ReadonlySet<string> } = {},
  ): Promise<IssuedCredential[]> {
    if (devices.length === 0) return [];
    const { prepared, newDeviceIds } = options;
    const issued = await Promise.all(
      devices.map((device, i) => {
        const subject = prepared?.subjects[i];
        if (
          subject &&
          subject.id === device.id &&
          subject.deviceName === device.deviceName &&
          subject.serialNumber === (device.serialNumber ?? null)
        )
          return prepared.issued[i]!;
        return this.buildServerKeyed(device, now);
      }),
    );
    const status = this.statusAt(issued[0]!.notAfter, now);
    const certificates = issued.map((c, i) => this.certificateOf(devices[i]!, c, status, now));
    const superseding = newDeviceIds
      ? certificates.filter((c) => !newDeviceIds.has(c.device!.id))
      : certificates;
    if (superseding.length > 0)
      await this.store.supersedeMany(
        tx,
        superseding.map((c) => c.device!.id),
        superseding.map((c) => c.id),
        now,
      );
    await this.store.insertMany(tx, certificates);
    return certificates.map((certificate, i) => ({
      certificate,
      privateKeyPem: issued[i]!.privateKeyPem,
      deviceToken: this.deviceToken(certificate.sha256Thumbprint),
    }));
  }

  /** The certificate of `subject` with a server-generated key. */
  private buildServerKeyed(subject: CertificateSubject, now: Date): Promise<IssuedDeviceCertificate> {
    return issueDeviceCertificate({
      ca: this.issuing.ca,
      deviceId: subject.id,
      deviceName: subject.deviceName,
      serialNumber: subject.serialNumber ?? undefined,
      now,
      validityDays: this.config.validityDays,
      backdateSeconds: this.config.backdateSeconds,
    });
  }

  /** An unmanaged MdmCertificate for a certificate written by `issueMany`'s INSERT. */
  private certificateOf(
    device: ManagedDevice,
    issued: IssuedDeviceCertificate,
    status: MdmCertificateStatus,
    now: Date,
  ): MdmCertificate {
    return Object.assign(new MdmCertificate(), {
      id: randomUUID(),
      device: Reference.create(device),
      ...recordFields(issued, status, now),
    });
  }

  /**
   * Gives a device-less certificate (issued over SCEP, a pending enrollment) to `device` inside
   * `tx`: the device's current certificate is superseded by it (revoked `superseded` if live), as
   * `issue` does for a new one, and Graph `managementCertificateExpirationDate` follows it.
   * @returns false when the certificate does not exist or already belongs to another device (true,
   *   changing nothing, when `adopt` already gave it to this one)
   */
  async attachToDevice(
    tx: EntityManager,
    certificateId: string,
    device: ManagedDevice,
    now: Date,
  ): Promise<boolean> {
    const row = await this.store.lockForAttach(tx, certificateId);
    if (!row || (row.deviceId !== null && row.deviceId !== device.id)) return false;
    // Already this device's (adopted by its enrollment in the same transaction): nothing to supersede.
    if (row.deviceId === device.id) return true;
    await this.store.supersede(tx, device.id, certificateId, now);
    await this.store.assignToDevice(tx, certificateId, device.id);
    device.managementCertificateExpirationDate = row.notAfter;
    return true;
  }

  /**
   * Revokes the device's current certificate (retire, wipe, delete: RFC 5280 cessationOfOperation).
   * A revoked certificate can no longer check in; the device is removed DEVICE_REMOVAL_AFTER_EXPIRY_DAYS
   * after its notAfter by the lifecycle sweeper.
   * @returns how many certificates were revoked (0 or 1)
   */
  async revokeCurrent(
    tx: EntityManager,
    deviceId: string,
    now: Date,
    reason = RevocationReason.cessationOfOperation,
  ): Promise<number> {
    return this.store.revokeCurrent(tx, deviceId, now, reason);
  }

  /** The issuing CA as the API shows it. */
  async authorityInfo(): Promise<{
    certificatePem: string;
    subject: string;
    sha256Thumbprint: string;
    notBefore: Date;
    notAfter: Date;
    source: 'CONFIGURED' | 'GENERATED';
  }> {
    const { certificate, certificatePem } = this.issuing.ca;
    return {
      certificatePem,
      subject: certificate.subject,
      sha256Thumbprint: createHash('sha256')
        .update(Buffer.from(certificate.rawData))
        .digest('hex')
        .toUpperCase(),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      source: this.issuing.source,
    };
  }

  /**
   * Every certificate of the device, newest first.
   * @throws InputValidationError when `deviceId` is not a UUID
   */
  async listForDevice(em: EntityManager, deviceId: string): Promise<MdmCertificate[]> {
    const id = validateInput(deviceIdSchema, deviceId, 'deviceId');
    return this.store.listForDevice(em, id);
  }

  /** The device's current (not superseded) certificate, or null before its first enrollment with a certificate. */
  async current(em: EntityManager, deviceId: string): Promise<MdmCertificate | null> {
    return this.store.current(em, deviceId);
  }

  /** The certificate with this serial number (uppercase hex), or null. */
  async bySerialNumber(em: EntityManager, serialNumber: string): Promise<MdmCertificate | null> {
    return this.store.bySerialNumber(em, serialNumber);
  }

  /**
   * The device token bound to a certificate: base64url(HMAC-SHA256(deviceTokenKey,
   * "mdm-device-token:v1:" + SHA-256 thumbprint)). Derived, never stored, so revoking or
   * superseding the certificate also ends the token.
   */
  deviceToken(sha256Thumbprint: string): string {
    return createHmac('sha256', this.issuing.deviceTokenKey)
      .update(`mdm-device-token:v1:${sha256Thumbprint}`)
      .digest('base64url');
  }

  /**
   * Checks an HMAC check-in proof: base64(HMAC-SHA256(deviceToken as UTF-8, signingInput)),
   * compared in constant time.
   */
  hmacMatches(sha256Thumbprint: string, signingInput: Buffer, signatureB64: string): boolean {
    const expected = createHmac('sha256', this.deviceToken(sha256Thumbprint)).update(signingInput).digest();
    const given = Buffer.from(signatureB64, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The largest expiring threshold (days): a certificate with fewer days left is `expiring`. */
  largestThreshold(): number {
    return this.lifecycle.expiringWindowDays;
  }
}

/** A certificate built ahead of the transaction for one unsaved device record (`CertificateService.prepare`). */
export interface PreparedCertificate {
  device: ManagedDevice;
  issued: Promise<IssuedDeviceCertificate>;
}

/** The stored fields of a freshly issued certificate (one place for the ORM path and the set-based path). */
function recordFields(issued: IssuedDeviceCertificate, status: MdmCertificateStatus, now: Date) {
  return {
    serialNumber: issued.serialNumber,
    sha256Thumbprint: issued.sha256Thumbprint,
    subject: issued.subject,
    issuer: issued.issuer,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    status,
    pem: issued.certificatePem,
    issuedDateTime: now,
  };
}
