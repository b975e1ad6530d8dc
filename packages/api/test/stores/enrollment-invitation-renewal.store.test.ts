import { randomBytes, randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { EnrollmentInvitationStore } from '../../src/modules/enrollment-profile/enrollment-invitation.store.js';
import { describeStore, type StoreBackend } from './backends.js';

const store = new EnrollmentInvitationStore();
const NOW = new Date('2027-01-10T12:00:00.000Z');
const HOUR = 3_600_000;

/** An invitation row; `renews` makes it an identity renewal of that device. */
async function invitation(
  backend: () => StoreBackend,
  fields: { expires: Date; renews?: string; profileIdentifierId?: string; appleProfileId?: string },
): Promise<string> {
  const id = randomUUID();
  await backend()
    .sql()
    .run(
      `insert into enrollment_invitation (id, platform, method, ownership_intent, profile_token_hash, challenge_hash,
         max_uses, use_count, created_date_time, expires_date_time, renews_device_id, renews_identifier, profile_identifier_id)
       values (?, 'IOS', 'BYOD', 'personal', ?, ?, 1, 0, ?, ?, ?, ?, ?)`,
      [
        id,
        randomBytes(32).toString('hex'),
        randomBytes(32).toString('hex'),
        NOW,
        fields.expires,
        fields.renews ?? null,
        fields.renews ? `UDID-${fields.renews}` : null,
        fields.profileIdentifierId ?? null,
      ],
    );
  return id;
}

/** A SCEP-issued certificate and its pending enrollment of `invitationId`. */
async function pendingEnrollment(
  backend: () => StoreBackend,
  invitationId: string,
  fields: { status: 'pending' | 'completed' | 'refused'; deviceId?: string; resolved?: Date },
): Promise<string> {
  const certificateId = randomUUID();
  const id = randomUUID();
  await backend()
    .sql()
    .run(
      `insert into mdm_certificate (id, device_id, serial_number, sha256_thumbprint, subject, issuer, not_before, not_after, status, pem, issued_date_time)
       values (?, null, ?, ?, ?, 'CN=store CA', ?, ?, 'valid', 'pem', ?)`,
      [
        certificateId,
        randomBytes(16).toString('hex').toUpperCase(),
        randomBytes(32).toString('hex').toUpperCase(),
        `CN=${id}`,
        NOW,
        new Date(NOW.getTime() + 365 * 24 * HOUR),
        NOW,
      ],
    );
  await backend()
    .sql()
    .run(
      `insert into pending_enrollment (id, certificate_id, invitation_id, status, created_date_time, resolved_date_time, device_id)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [id, certificateId, invitationId, fields.status, NOW, fields.resolved ?? null, fields.deviceId ?? null],
    );
  return id;
}

describeStore('enrollment invitation store: identity renewals', (backend) => {
  it('renewalInFlight: an unexpired renewal invitation of the device, or its certificate still pending', async () => {
    const em = backend().em();
    const device = randomUUID();
    expect(await store.renewalInFlight(em, device, NOW)).toBe(false);
    // An ordinary invitation, and another device's renewal, are not this device's renewal.
    await invitation(backend, { expires: new Date(NOW.getTime() + HOUR) });
    await invitation(backend, { expires: new Date(NOW.getTime() + HOUR), renews: randomUUID() });
    expect(await store.renewalInFlight(em, device, NOW)).toBe(false);

    const expired = await invitation(backend, { expires: NOW, renews: device });
    expect(await store.renewalInFlight(em, device, NOW)).toBe(false);
    const pending = await pendingEnrollment(backend, expired, { status: 'pending' });
    expect(await store.renewalInFlight(em, device, NOW)).toBe(true);
    await backend().sql().run(`update pending_enrollment set status = 'completed' where id = ?`, [pending]);
    expect(await store.renewalInFlight(em, device, NOW)).toBe(false);

    await invitation(backend, { expires: new Date(NOW.getTime() + 1), renews: device });
    expect(await store.renewalInFlight(em, device, NOW)).toBe(true);
    expect(await store.renewalInFlight(em, device, new Date(NOW.getTime() + 1))).toBe(false);
  });

  it('installedProfile: the latest completed enrollment’s invitation, or the one a renewal replaced', async () => {
    const em = backend().em();
    const device = randomUUID();
    expect(await store.installedProfile(em, device)).toBeNull();
    const original = await invitation(backend, { expires: NOW });
    await pendingEnrollment(backend, original, { status: 'completed', deviceId: device, resolved: NOW });
    // A refused or still pending enrollment installed nothing.
    await pendingEnrollment(backend, await invitation(backend, { expires: NOW }), { status: 'pending' });
    expect(await store.installedProfile(em, device)).toEqual({
      identifierId: original,
      appleProfileId: null,
    });

    const renewal = await invitation(backend, {
      expires: NOW,
      renews: device,
      profileIdentifierId: original,
    });
    await pendingEnrollment(backend, renewal, {
      status: 'completed',
      deviceId: device,
      resolved: new Date(NOW.getTime() + HOUR),
    });
    expect(await store.installedProfile(em, device)).toEqual({
      identifierId: original,
      appleProfileId: null,
    });
    expect(await store.installedProfile(em, randomUUID())).toBeNull();
  });
});
