import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import {
  AppleEnrollmentProfile,
  AppleProfileKind,
} from '../../src/modules/apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import { ManagedDeviceOwnerType } from '../../src/modules/device/device.enums.js';
import { EnrollmentInvitation } from '../../src/modules/enrollment-profile/enrollment-invitation.entity.js';
import { EnrollmentInvitationStore } from '../../src/modules/enrollment-profile/enrollment-invitation.store.js';
import { UserStore } from '../../src/modules/user/user.store.js';
import { describeStore } from './backends.js';

const store = new EnrollmentInvitationStore();
const now = new Date('2026-12-03T10:00:00.000Z');
const hash = () => randomUUID().replaceAll('-', '');

async function invitation(
  em: EntityManager,
  fields: Partial<EnrollmentInvitation> & { expiresDateTime: Date },
): Promise<EnrollmentInvitation> {
  const created = em.create(EnrollmentInvitation, {
    platform: DevicePlatform.IOS,
    method: EnrollmentMethodKind.BYOD,
    ownershipIntent: ManagedDeviceOwnerType.personal,
    profileTokenHash: hash(),
    challengeHash: hash(),
    createdDateTime: now,
    ...fields,
  });
  await em.flush();
  return created;
}

const later = new Date(now.getTime() + 3_600_000);

describeStore('the enrollment invitation store', (backend) => {
  describe('byProfileTokenHash', () => {
    it('finds the invitation with its user, DEM account and Apple profile loaded; null when unknown', async () => {
      const em = backend().em();
      const user = await em.transactional((tx) =>
        new UserStore().ensure(tx, `i${hash().slice(0, 8)}@example.com`, now),
      );
      const profile = em.create(AppleEnrollmentProfile, {
        displayName: 'USB direct',
        kind: AppleProfileKind.USB_DIRECT,
        createdDateTime: now,
      });
      const created = await invitation(em, { expiresDateTime: later, user, appleProfile: profile } as never);
      const found = await store.byProfileTokenHash(backend().em(), created.profileTokenHash);
      expect(found?.id).toBe(created.id);
      expect(found?.user?.isInitialized()).toBe(true);
      expect(found?.user?.unwrap().userPrincipalName).toBe(user.userPrincipalName);
      expect(found?.appleProfile?.unwrap().displayName).toBe('USB direct');
      expect(found?.enrollmentManager).toBeNull();
      expect(await store.byProfileTokenHash(backend().em(), hash())).toBeNull();
    });
  });

  describe('consumeChallenge', () => {
    it('uses a single-use challenge once', async () => {
      const created = await invitation(backend().em(), { expiresDateTime: later });
      expect(await store.consumeChallenge(backend().em(), created.challengeHash, now)).toBe(created.id);
      expect(await store.consumeChallenge(backend().em(), created.challengeHash, now)).toBeNull();
      const stored = await backend().em().findOneOrFail(EnrollmentInvitation, created.id);
      expect(stored).toMatchObject({ useCount: 1, usedDateTime: now });
    });

    it('uses an unlimited challenge as often as asked, and counts every use', async () => {
      const created = await invitation(backend().em(), { expiresDateTime: later, maxUses: null });
      for (let i = 0; i < 3; i++)
        expect(await store.consumeChallenge(backend().em(), created.challengeHash, now)).toBe(created.id);
      expect((await backend().em().findOneOrFail(EnrollmentInvitation, created.id)).useCount).toBe(3);
    });

    it('refuses an expired or unknown challenge', async () => {
      const created = await invitation(backend().em(), { expiresDateTime: now });
      expect(await store.consumeChallenge(backend().em(), created.challengeHash, now)).toBeNull();
      expect(await store.consumeChallenge(backend().em(), hash(), now)).toBeNull();
      expect((await backend().em().findOneOrFail(EnrollmentInvitation, created.id)).useCount).toBe(0);
    });

    it('lets only one of two concurrent uses of a one-time challenge pass', async () => {
      const created = await invitation(backend().em(), { expiresDateTime: later });
      const uses = await Promise.all(
        [0, 1].map(() =>
          backend()
            .em()
            .transactional((tx) => store.consumeChallenge(tx, created.challengeHash, now)),
        ),
      );
      expect(uses.filter((u) => u === created.id)).toHaveLength(1);
      expect(uses.filter((u) => u === null)).toHaveLength(1);
    });
  });

  describe('byChallengeHash', () => {
    it('gives the id and expiry of the invitation, used up or not; null when unknown', async () => {
      const created = await invitation(backend().em(), { expiresDateTime: later, useCount: 1 } as never);
      expect(await store.byChallengeHash(backend().em(), created.challengeHash)).toEqual({
        id: created.id,
        expiresDateTime: later,
      });
      expect(await store.byChallengeHash(backend().em(), hash())).toBeNull();
    });
  });
});
