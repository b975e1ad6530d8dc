import { randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, Reference } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import { CertificateStore } from '../../src/modules/certificate/certificate.store.js';
import { MdmCertificate } from '../../src/modules/certificate/mdm-certificate.entity.js';
import {
  MdmCertificateStatus,
  RevocationReason,
} from '../../src/modules/certificate/mdm-certificate.enums.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import { DeviceEnrollmentType, ManagedDeviceOwnerType } from '../../src/modules/device/device.enums.js';
import { EnrollmentInvitation } from '../../src/modules/enrollment-profile/enrollment-invitation.entity.js';
import {
  PendingEnrollment,
  PendingEnrollmentStatus,
} from '../../src/modules/scep/pending-enrollment.entity.js';
import { AuditOutcome } from '../../src/modules/audit/audit-record.entity.js';
import { describeStore } from './backends.js';

const store = new CertificateStore();
const now = new Date('2027-03-01T12:00:00.000Z');
const day = (n: number) => new Date(now.getTime() + n * 86_400 * 1000);

/** An unsaved device record. */
function newDevice(): ManagedDevice {
  return Object.assign(new ManagedDevice(), {
    deviceName: 'store test',
    platform: DevicePlatform.IOS,
    operatingSystem: 'iOS',
    osVersion: '17.4',
    serialNumber: `S${randomBytes(5).toString('hex').toUpperCase()}`,
    managedDeviceOwnerType: ManagedDeviceOwnerType.personal,
    enrollmentMethod: EnrollmentMethodKind.BYOD,
    enrollmentType: DeviceEnrollmentType.userEnrollment,
    enrolledDateTime: now,
    lastSyncDateTime: now,
    managementCertificateExpirationDate: day(365),
  });
}

/** An unsaved certificate of `device` (null: device-less, SCEP), issued `issuedDaysAgo` days before now. */
function newCertificate(
  device: ManagedDevice | null,
  fields: Partial<Pick<MdmCertificate, 'status' | 'notAfter' | 'supersededById'>> & {
    issuedDaysAgo?: number;
  } = {},
): MdmCertificate {
  const serial = randomBytes(16).toString('hex').toUpperCase();
  return Object.assign(new MdmCertificate(), {
    device: device ? Reference.create(device) : null,
    serialNumber: serial,
    sha256Thumbprint: randomBytes(32).toString('hex').toUpperCase(),
    subject: `CN=${serial}`,
    issuer: 'CN=store test CA',
    notBefore: day(-400),
    notAfter: fields.notAfter ?? day(365),
    status: fields.status ?? MdmCertificateStatus.valid,
    pem: '-',
    issuedDateTime: day(-(fields.issuedDaysAgo ?? 0)),
    supersededById: fields.supersededById ?? null,
  });
}

/** Persists a device with its certificates (the ORM's own inserts). */
async function seed(em: EntityManager, certificates: (device: ManagedDevice) => MdmCertificate[]) {
  const device = newDevice();
  const list = certificates(device);
  await em
    .fork()
    .persist([device, ...list])
    .flush();
  return { device, certificates: list };
}

async function row(em: EntityManager, id: string) {
  return sqlOf(em).first<{
    status: string;
    device_id: string | null;
    superseded_by_id: string | null;
    revocation_reason: string | null;
    revoked_date_time: string | null;
  }>(
    'select status, device_id, superseded_by_id, revocation_reason, revoked_date_time from mdm_certificate where id = ?',
    [id],
  );
}

describeStore('certificate store', (backend) => {
  it('lists a device’s certificates newest first, finds its current one and any by serial number', async () => {
    const em = backend().em();
    const { device, certificates } = await seed(em, (d) => [
      newCertificate(d, {
        issuedDaysAgo: 10,
        status: MdmCertificateStatus.revoked,
        supersededById: randomUUID(),
      }),
      newCertificate(d, { issuedDaysAgo: 1 }),
    ]);
    const [old, current] = certificates as [MdmCertificate, MdmCertificate];
    expect((await store.listForDevice(em.fork(), device.id)).map((c) => c.id)).toEqual([current.id, old.id]);
    expect((await store.current(em.fork(), device.id))?.id).toBe(current.id);
    expect(await store.current(em.fork(), randomUUID())).toBeNull();
    expect((await store.bySerialNumber(em.fork(), old.serialNumber.toLowerCase()))?.id).toBe(old.id);
    expect(await store.bySerialNumber(em.fork(), 'FFFF')).toBeNull();
  });

  it('reads the certificates of many devices in one call, one list per id in the order asked', async () => {
    const em = backend().em();
    const a = await seed(em, (d) => [
      newCertificate(d, {
        issuedDaysAgo: 5,
        status: MdmCertificateStatus.revoked,
        supersededById: randomUUID(),
      }),
      newCertificate(d, { issuedDaysAgo: 2 }),
    ]);
    const b = await seed(em, (d) => [newCertificate(d)]);
    const lists = await store.byDevices(em.fork(), [b.device.id, randomUUID(), a.device.id]);
    expect(lists.map((l) => l.map((c) => c.id))).toEqual([
      [b.certificates[0]!.id],
      [],
      [a.certificates[1]!.id, a.certificates[0]!.id],
    ]);
    const read = lists[2]![0]!;
    expect(read).toBeInstanceOf(MdmCertificate);
    expect(read.notAfter).toEqual(a.certificates[1]!.notAfter);
    expect(read.status).toBe(MdmCertificateStatus.valid);
  });

  it('inserts many certificates in one statement', async () => {
    const em = backend().em();
    const devices = [newDevice(), newDevice()];
    await em.fork().persist(devices).flush();
    const certificates = devices.map((d) => newCertificate(d));
    await em.transactional((tx) => store.insertMany(tx, certificates));
    await em.transactional((tx) => store.insertMany(tx, []));
    for (const [i, c] of certificates.entries()) {
      const stored = await em.fork().findOneOrFail(MdmCertificate, c.id);
      expect(stored.device?.id).toBe(devices[i]!.id);
      expect(stored.notAfter).toEqual(c.notAfter);
      expect(stored.issuedDateTime).toEqual(c.issuedDateTime);
    }
  });

  it('supersedes a device’s current certificate: revokes it when live, keeps an earlier revocation, never touches the new one', async () => {
    const em = backend().em();
    const live = await seed(em, (d) => [newCertificate(d)]);
    const newId = randomUUID();
    expect(await em.transactional((tx) => store.supersede(tx, live.device.id, newId, now))).toBe(1);
    expect(await row(em, live.certificates[0]!.id)).toMatchObject({
      status: 'revoked',
      superseded_by_id: newId,
      revocation_reason: RevocationReason.superseded,
    });

    const revoked = await seed(em, (d) => [newCertificate(d, { status: MdmCertificateStatus.revoked })]);
    await em.transactional((tx) => store.supersede(tx, revoked.device.id, newId, now));
    expect(await row(em, revoked.certificates[0]!.id)).toMatchObject({
      status: 'revoked',
      superseded_by_id: newId,
      revocation_reason: null,
      revoked_date_time: null,
    });

    // The certificate named as the new one is left as it is (it may already be the device's).
    const own = await seed(em, (d) => [newCertificate(d)]);
    const ownId = own.certificates[0]!.id;
    expect(await em.transactional((tx) => store.supersede(tx, own.device.id, ownId, now))).toBe(0);
    expect(await row(em, ownId)).toMatchObject({ status: 'valid', superseded_by_id: null });
  });

  it('supersedes the current certificates of many devices in one statement', async () => {
    const em = backend().em();
    const a = await seed(em, (d) => [newCertificate(d)]);
    const b = await seed(em, (d) => [newCertificate(d)]);
    const newIds = [randomUUID(), randomUUID()];
    expect(
      await em.transactional((tx) => store.supersedeMany(tx, [a.device.id, b.device.id], newIds, now)),
    ).toBe(2);
    expect((await row(em, a.certificates[0]!.id))?.superseded_by_id).toBe(newIds[0]);
    expect(await row(em, b.certificates[0]!.id)).toMatchObject({
      superseded_by_id: newIds[1],
      status: 'revoked',
    });
    expect(await em.transactional((tx) => store.supersedeMany(tx, [], [], now))).toBe(0);
  });

  it('locks a certificate for attaching, and assigns it to a device', async () => {
    const em = backend().em();
    const scep = newCertificate(null, { notAfter: day(30) });
    await em.fork().persist(scep).flush();
    const device = newDevice();
    await em.fork().persist(device).flush();

    await em.transactional(async (tx) => {
      expect(await store.lockForAttach(tx, scep.id)).toEqual({ notAfter: day(30), deviceId: null });
      expect(await store.lockForAttach(tx, randomUUID())).toBeUndefined();
      if (backend().name === 'postgresql') {
        // Held until the transaction ends: another connection cannot take it.
        await expect(
          sqlOf(backend().em()).run('select id from mdm_certificate where id = ? for update nowait', [
            scep.id,
          ]),
        ).rejects.toMatchObject({ code: '55P03' });
      }
      await store.assignToDevice(tx, scep.id, device.id);
    });
    expect(await row(em, scep.id)).toMatchObject({ device_id: device.id, superseded_by_id: null });
  });

  it('revokes a live certificate by serial number, as a device’s current one, or by id; never one already revoked', async () => {
    const em = backend().em();
    const { device, certificates } = await seed(em, (d) => [
      newCertificate(d, {
        status: MdmCertificateStatus.revoked,
        supersededById: randomUUID(),
        issuedDaysAgo: 3,
      }),
      newCertificate(d, { status: MdmCertificateStatus.expiring }),
    ]);
    const [revoked, current] = certificates as [MdmCertificate, MdmCertificate];
    const reason = RevocationReason.cessationOfOperation;
    await em.transactional(async (tx) => {
      expect(await store.revokeBySerialNumber(tx, revoked.serialNumber, now, reason)).toBe(0);
      expect(await store.revokeBySerialNumber(tx, 'ABCDEF', now, reason)).toBe(0);
      expect(await store.revokeBySerialNumber(tx, current.serialNumber.toLowerCase(), now, reason)).toBe(1);
    });
    expect(await row(em, current.id)).toMatchObject({ status: 'revoked', revocation_reason: reason });
    expect(new Date((await row(em, current.id))!.revoked_date_time!)).toEqual(now);

    const other = await seed(em, (d) => [newCertificate(d)]);
    expect(await em.transactional((tx) => store.revokeCurrent(tx, other.device.id, now, reason))).toBe(1);
    expect(await em.transactional((tx) => store.revokeCurrent(tx, other.device.id, now, reason))).toBe(0);
    expect(await em.transactional((tx) => store.revokeCurrent(tx, device.id, now, reason))).toBe(0);

    const third = await seed(em, (d) => [newCertificate(d)]);
    const id = third.certificates[0]!.id;
    expect(await em.transactional((tx) => store.revokeById(tx, id, now, reason))).toBe(1);
    expect(await em.transactional((tx) => store.revokeById(tx, id, now, reason))).toBe(0);
  });

  it('stores the issuing CA once (the first writer wins) and replaces a service certificate only over the one it read', async () => {
    const em = backend().em();
    expect(await store.authority(em, 'issuing')).toBeNull();
    await expect(store.authorityOrFail(em, 'issuing')).rejects.toBeInstanceOf(NotFoundError);
    const first = {
      id: 'issuing',
      certificatePem: 'first',
      sealedPrivateKey: 'sealed-1',
      generatedKeySecret: 'dev-secret',
      createdDateTime: now,
    };
    expect(await store.insertAuthorityIfAbsent(em, first)).toBe(true);
    expect(await store.insertAuthorityIfAbsent(em, { ...first, certificatePem: 'second' })).toBe(false);
    expect(await store.authorityOrFail(em, 'issuing')).toMatchObject({
      certificatePem: 'first',
      generatedKeySecret: 'dev-secret',
      createdDateTime: now,
    });

    const ra = { id: 'scep-ra', certificatePem: 'ra-1', sealedPrivateKey: 'k1', createdDateTime: now };
    expect(await store.replaceAuthority(em, ra, '')).toBe(true);
    // A concurrent start already replaced what this one read: its certificate is not stored.
    expect(await store.replaceAuthority(em, { ...ra, certificatePem: 'ra-2' }, 'ra-0')).toBe(false);
    expect(
      await store.replaceAuthority(em, { ...ra, certificatePem: 'ra-3', createdDateTime: day(1) }, 'ra-1'),
    ).toBe(true);
    expect(await store.authority(em, 'scep-ra')).toMatchObject({
      certificatePem: 'ra-3',
      generatedKeySecret: null,
      createdDateTime: day(1),
    });
  });

  it('finds pending enrollments by their certificate, lists them newest first, and locks a pending one', async () => {
    const em = backend().em();
    const invitation = em.create(EnrollmentInvitation, {
      platform: DevicePlatform.IOS,
      method: EnrollmentMethodKind.BYOD,
      ownershipIntent: ManagedDeviceOwnerType.personal,
      profileTokenHash: randomBytes(16).toString('hex'),
      challengeHash: randomBytes(16).toString('hex'),
      createdDateTime: now,
      expiresDateTime: day(1),
    });
    const certificates = [newCertificate(null), newCertificate(null)];
    const pending = certificates.map((certificate, i) =>
      em.create(PendingEnrollment, {
        certificate,
        invitation,
        createdDateTime: day(i),
        status: i === 0 ? PendingEnrollmentStatus.refused : PendingEnrollmentStatus.pending,
      }),
    );
    await em.persist([...certificates, ...pending]).flush();
    const [refused, open] = pending as [PendingEnrollment, PendingEnrollment];

    expect((await store.listPendingEnrollments(em.fork(), null, 10)).map((p) => p.id)).toEqual([
      open.id,
      refused.id,
    ]);
    expect((await store.listPendingEnrollments(em.fork(), null, 1)).map((p) => p.id)).toEqual([open.id]);
    const refusedOnly = await store.listPendingEnrollments(em.fork(), PendingEnrollmentStatus.refused, 10);
    expect(refusedOnly.map((p) => p.id)).toEqual([refused.id]);
    expect(refusedOnly[0]!.invitation.isInitialized()).toBe(true);

    const byThumbprint = await store.pendingEnrollmentOf(em.fork(), {
      sha256Thumbprint: certificates[1]!.sha256Thumbprint,
    });
    expect(byThumbprint?.id).toBe(open.id);
    expect(byThumbprint?.certificate.getEntity().serialNumber).toBe(certificates[1]!.serialNumber);
    expect(byThumbprint?.invitation.getEntity().platform).toBe(DevicePlatform.IOS);
    expect(
      (await store.pendingEnrollmentOf(em.fork(), { serialNumber: certificates[0]!.serialNumber }))?.id,
    ).toBe(refused.id);
    expect(await store.pendingEnrollmentOf(em.fork(), { serialNumber: 'ABC' })).toBeNull();

    await em.fork().transactional(async (tx) => {
      expect((await store.pendingEnrollment(tx, open.id, PendingEnrollmentStatus.pending, true))?.id).toBe(
        open.id,
      );
      expect(await store.pendingEnrollment(tx, refused.id, PendingEnrollmentStatus.pending)).toBeNull();
      if (backend().name === 'postgresql') {
        await expect(
          sqlOf(backend().em()).run('select id from pending_enrollment where id = ? for update nowait', [
            open.id,
          ]),
        ).rejects.toMatchObject({ code: '55P03' });
      }
    });
  });

  it('writes a PKCSReq in one statement: one use of the challenge, the certificate, its pending enrollment and audit row; nothing for a refused challenge', async () => {
    const em = backend().em();
    const challengeHash = randomBytes(16).toString('hex');
    const invitation = em.create(EnrollmentInvitation, {
      platform: DevicePlatform.IOS,
      method: EnrollmentMethodKind.BYOD,
      ownershipIntent: ManagedDeviceOwnerType.personal,
      profileTokenHash: randomBytes(16).toString('hex'),
      challengeHash,
      createdDateTime: now,
      expiresDateTime: day(1),
      maxUses: 1,
    });
    await em.flush();
    const attempt = (hash = challengeHash) => {
      const pendingId = randomUUID();
      const certificate = Object.assign(newCertificate(null), { id: randomUUID() });
      const audit = {
        id: randomUUID(),
        occurredDateTime: now,
        action: 'scep.PKCSReq',
        outcome: AuditOutcome.success,
        code: null,
        actorName: null,
        actorTokenId: null,
        actorRole: null,
        clientAddress: '127.0.0.1',
        targetType: 'PendingEnrollment',
        targetId: pendingId,
        requestId: null,
        details: JSON.stringify({ transactionId: 't' }),
      };
      return {
        pendingId,
        certificate,
        write: () =>
          store.insertPendingEnrollment(backend().em(), {
            challengeHash: hash,
            now,
            pendingId,
            certificate,
            audit,
          }),
      };
    };
    const count = async (table: string) =>
      Number((await backend().sql().first<{ n: string }>(`select count(*) as n from ${table}`))!.n);
    const before = { certificates: await count('mdm_certificate'), audit: await count('audit_record') };

    // Two requests with the same one-time challenge at once: exactly one writes.
    const [a, b] = [attempt(), attempt()];
    const results = await Promise.all([a.write(), b.write()]);
    expect(results.filter((r) => r.used)).toEqual([{ used: true, invitationId: invitation.id }]);
    expect(results.filter((r) => !r.used)).toEqual([
      { used: false, invitation: { id: invitation.id, expiresDateTime: day(1) } },
    ]);
    const winner = results[0]!.used ? a : b;
    const pending = await backend()
      .sql()
      .rows<{ id: string; certificate_id: string; invitation_id: string; status: string }>(
        'select id, certificate_id, invitation_id, status from pending_enrollment where invitation_id = ?',
        [invitation.id],
      );
    expect(pending).toEqual([
      {
        id: winner.pendingId,
        certificate_id: winner.certificate.id,
        invitation_id: invitation.id,
        status: 'pending',
      },
    ]);
    expect(await row(backend().em(), winner.certificate.id)).toMatchObject({
      device_id: null,
      status: 'valid',
    });
    expect(await count('mdm_certificate')).toBe(before.certificates + 1);
    expect(await count('audit_record')).toBe(before.audit + 1);
    const audited = await backend()
      .sql()
      .first<{ target_id: string; details: Record<string, unknown> }>(
        'select target_id, details from audit_record where target_id = ?',
        [winner.pendingId],
      );
    expect(audited?.details).toEqual({ transactionId: 't', invitationId: invitation.id });
    const used = await backend()
      .sql()
      .first<{ use_count: number }>('select use_count from enrollment_invitation where id = ?', [
        invitation.id,
      ]);
    expect(used?.use_count).toBe(1);

    // An unknown challenge: nothing written, no invitation to name.
    const unknown = attempt('unknown');
    expect(await unknown.write()).toEqual({ used: false, invitation: null });
    expect(await count('mdm_certificate')).toBe(before.certificates + 1);
    expect(await count('audit_record')).toBe(before.audit + 1);
  });
});
