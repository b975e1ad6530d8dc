import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { User } from '../../src/modules/user/user.entity.js';
import { UserStore } from '../../src/modules/user/user.store.js';
import { describeStore } from './backends.js';

const store = new UserStore();
const now = new Date('2026-12-03T10:00:00.000Z');
const upn = () => `u${randomUUID().slice(0, 8)}@example.com`;

describeStore('the user store', (backend) => {
  it('any: whether the database holds a user at all', async () => {
    const em = backend().em();
    const before = await store.any(em);
    await store.ensure(backend().em(), `any-${randomUUID()}@contoso.example`, new Date());
    expect(await store.any(backend().em())).toBe(true);
    expect(typeof before).toBe('boolean');
  });

  describe('ensure', () => {
    it('creates the user on first sight, named after the UPN, and returns the same row afterwards', async () => {
      const name = upn();
      const first = await backend()
        .em()
        .transactional((tx) => store.ensure(tx, name, now));
      expect(first).toMatchObject({
        userPrincipalName: name,
        displayName: name.split('@')[0],
        createdDateTime: now,
        isDeviceEnrollmentManager: false,
        groups: [],
      });
      const em = backend().em();
      const again = await em.transactional((tx) => store.ensure(tx, name, new Date()));
      expect(again.id).toBe(first.id);
      expect(again.createdDateTime).toEqual(now);
      expect(await backend().em().count(User, { userPrincipalName: name })).toBe(1);
    });

    it('returns a managed entity whose changes the transaction flushes', async () => {
      const name = upn();
      await backend()
        .em()
        .transactional(async (tx) => {
          const user = await store.ensure(tx, name, now);
          user.groups = ['pilots'];
        });
      expect((await store.byUserPrincipalName(backend().em(), name))?.groups).toEqual(['pilots']);
    });

    it('leaves the row locked until the transaction ends', async () => {
      if (backend().name !== 'postgresql') return; // PGlite has one connection: nothing can wait.
      const name = upn();
      await backend()
        .em()
        .transactional(async (tx) => {
          await store.ensure(tx, name, now);
          await expect(
            backend()
              .em()
              .transactional(async (tx2) => {
                await sqlOf(tx2).run(`set local lock_timeout = '100ms'`);
                return store.ensure(tx2, name, now);
              }),
          ).rejects.toThrow(/lock timeout/);
        });
    });
  });

  describe('byUserPrincipalName', () => {
    it('finds the user, locked when asked, and null for an unknown UPN', async () => {
      const name = upn();
      const created = await backend()
        .em()
        .transactional((tx) => store.ensure(tx, name, now));
      expect((await store.byUserPrincipalName(backend().em(), name))?.id).toBe(created.id);
      expect(await store.byUserPrincipalName(backend().em(), upn())).toBeNull();
      await backend()
        .em()
        .transactional(async (tx) => {
          expect((await store.byUserPrincipalName(tx, name, true))?.id).toBe(created.id);
          if (backend().name === 'postgresql')
            await expect(
              backend()
                .em()
                .transactional(async (tx2) => {
                  await sqlOf(tx2).run(`set local lock_timeout = '100ms'`);
                  return store.byUserPrincipalName(tx2, name, true);
                }),
            ).rejects.toThrow(/lock timeout/);
        });
    });
  });

  describe('DEM accounts', () => {
    it('counts the device enrollment manager accounts', async () => {
      const before = await store.countDemAccounts(backend().em());
      const em = backend().em();
      await em.transactional(async (tx) => {
        (await store.ensure(tx, upn(), now)).isDeviceEnrollmentManager = true;
        await store.ensure(tx, upn(), now);
      });
      expect(await store.countDemAccounts(backend().em())).toBe(before + 1);
    });

    it('holds the DEM accounts lock until the transaction ends', async () => {
      await backend()
        .em()
        .transactional(async (tx) => {
          await store.lockDemAccounts(tx);
          // Taken again in the same transaction: advisory locks are re-entrant.
          await store.lockDemAccounts(tx);
          if (backend().name === 'postgresql')
            await expect(
              backend()
                .em()
                .transactional(async (tx2) => {
                  await sqlOf(tx2).run(`set local lock_timeout = '100ms'`);
                  await store.lockDemAccounts(tx2);
                }),
            ).rejects.toThrow(/lock timeout/);
        });
    });
  });
});
