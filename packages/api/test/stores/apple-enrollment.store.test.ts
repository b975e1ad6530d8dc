import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { AppleDevice, AppleDeviceSource } from '../../src/modules/apple-enrollment/apple-device.entity.js';
import { AppleEnrollmentStore } from '../../src/modules/apple-enrollment/apple-enrollment.store.js';
import { DepOnboardingSetting } from '../../src/modules/apple-enrollment/dep-onboarding-setting.entity.js';
import {
  AppleEnrollmentProfile,
  AppleProfileKind,
} from '../../src/modules/apple-enrollment/enrollment-profile.entity.js';
import { AppleProfileExport } from '../../src/modules/apple-enrollment/profile-export.entity.js';
import { describeStore } from './backends.js';

const store = new AppleEnrollmentStore();
const now = new Date('2026-12-03T10:00:00.000Z');
const unique = () => randomUUID().slice(0, 12).toUpperCase();

async function profile(
  em: EntityManager,
  kind: AppleProfileKind,
  fields: { isDefault?: boolean; createdDateTime?: Date } = {},
): Promise<AppleEnrollmentProfile> {
  const created = em.create(AppleEnrollmentProfile, {
    displayName: `${kind} ${unique()}`,
    kind,
    createdDateTime: now,
    ...fields,
  });
  await em.flush();
  return created;
}

async function listed(
  em: EntityManager,
  source: AppleDeviceSource,
  serialNumber: string,
): Promise<AppleDevice> {
  const created = em.create(AppleDevice, { source, serialNumber, updatedDateTime: now });
  await em.flush();
  return created;
}

describeStore('the Apple enrollment store', (backend) => {
  describe('profiles', () => {
    it('lists profiles oldest first and finds one by id; null when unknown', async () => {
      const em = backend().em();
      const newer = await profile(em, AppleProfileKind.USB_SA, {
        createdDateTime: new Date(now.getTime() + 1000),
      });
      const older = await profile(em, AppleProfileKind.DEP);
      const ids = (await store.profiles(backend().em())).map((p) => p.id);
      expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
      expect((await store.profile(backend().em(), newer.id))?.kind).toBe(AppleProfileKind.USB_SA);
      expect(await store.profile(backend().em(), randomUUID())).toBeNull();
    });

    it('clears the default flag of DEP profiles only', async () => {
      const em = backend().em();
      const dep = await profile(em, AppleProfileKind.DEP, { isDefault: true });
      const sa = await profile(em, AppleProfileKind.USB_SA, { isDefault: true });
      expect(await store.clearDefaultDepProfile(backend().em())).toBeGreaterThanOrEqual(1);
      const fresh = backend().em();
      expect((await fresh.findOneOrFail(AppleEnrollmentProfile, dep.id)).isDefault).toBe(false);
      expect((await fresh.findOneOrFail(AppleEnrollmentProfile, sa.id)).isDefault).toBe(true);
      expect(await store.clearDefaultDepProfile(backend().em())).toBe(0);
    });
  });

  it('lists DEP tokens oldest first', async () => {
    const em = backend().em();
    const second = em.create(DepOnboardingSetting, {
      appleIdentifier: 'b@example.com',
      tokenExpirationDateTime: now,
      createdDateTime: new Date(now.getTime() + 1000),
    });
    const first = em.create(DepOnboardingSetting, {
      appleIdentifier: 'a@example.com',
      tokenExpirationDateTime: now,
      createdDateTime: now,
    });
    await em.flush();
    const ids = (await store.depTokens(backend().em())).map((t) => t.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
  });

  describe('serial lists', () => {
    it('says which serials a list holds, assigns a profile to them, and finds an entry with its profile', async () => {
      const em = backend().em();
      const [a, b, c] = [unique(), unique(), unique()];
      await listed(em, AppleDeviceSource.DEP, a);
      await listed(em, AppleDeviceSource.DEP, b);
      await listed(em, AppleDeviceSource.CONFIGURATOR, c);
      expect(await store.listedSerials(backend().em(), AppleDeviceSource.DEP, [a, b, c, unique()])).toEqual(
        new Set([a, b]),
      );
      const dep = await profile(em, AppleProfileKind.DEP);
      const later = new Date(now.getTime() + 60_000);
      expect(await store.assignProfile(backend().em(), AppleDeviceSource.DEP, [a, c], dep.id, later)).toBe(1);
      const entry = await store.listedDevice(backend().em(), AppleDeviceSource.DEP, a);
      expect(entry?.profile?.isInitialized()).toBe(true);
      expect(entry?.profile?.unwrap().id).toBe(dep.id);
      expect(entry?.updatedDateTime).toEqual(later);
      expect((await store.listedDevice(backend().em(), AppleDeviceSource.DEP, b))?.profile).toBeNull();
      expect(await store.listedDevice(backend().em(), AppleDeviceSource.DEP, c)).toBeNull();
    });
  });

  it('finds an export by token hash with its profile, expired or not; null when unknown', async () => {
    const em = backend().em();
    const direct = await profile(em, AppleProfileKind.USB_DIRECT);
    const tokenHash = randomUUID().replaceAll('-', '');
    em.persist(
      Object.assign(new AppleProfileExport(), {
        profile: em.getReference(AppleEnrollmentProfile, direct.id),
        tokenHash,
        exportedDateTime: now,
        expiresDateTime: now,
      }),
    );
    await em.flush();
    const found = await store.exportByTokenHash(backend().em(), tokenHash);
    expect(found?.expiresDateTime).toEqual(now);
    expect(found?.profile.isInitialized()).toBe(true);
    expect(found?.profile.unwrap().kind).toBe(AppleProfileKind.USB_DIRECT);
    expect(await store.exportByTokenHash(backend().em(), 'unknown')).toBeNull();
  });
});
