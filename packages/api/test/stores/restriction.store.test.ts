import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import { EnrollmentRestriction, RestrictionKind } from '../../src/modules/restriction/restriction.entity.js';
import { RestrictionStore } from '../../src/modules/restriction/restriction.store.js';
import { describeStore } from './backends.js';

const store = new RestrictionStore();
const now = new Date('2026-12-03T10:00:00.000Z');

async function restriction(
  em: EntityManager,
  kind: RestrictionKind,
  priority: number,
  fields: Partial<EnrollmentRestriction> = {},
): Promise<EnrollmentRestriction> {
  const created = em.create(EnrollmentRestriction, {
    displayName: `${kind} ${priority}`,
    kind,
    priority,
    createdDateTime: now,
    ...fields,
  });
  await em.flush();
  return created;
}

describeStore('the restriction store', (backend) => {
  it('lists restrictions by kind then priority, and loads them by priority alone as managed entities', async () => {
    const em = backend().em();
    const limit = await restriction(em, RestrictionKind.DEVICE_LIMIT, 3, {
      deviceLimit: 2,
      targetGroups: ['pilots'],
    });
    const platform = await restriction(em, RestrictionKind.PLATFORM, 1, {
      platform: DevicePlatform.IOS,
      osMinimumVersion: '16.0',
    });
    const later = await restriction(em, RestrictionKind.PLATFORM, 5, { platform: DevicePlatform.WINDOWS });

    const listed = await store.list(backend().em());
    expect(listed.map((r) => r.id)).toEqual([limit.id, platform.id, later.id]);

    const fresh = backend().em();
    const loaded = await store.inPriorityOrder(fresh);
    expect(loaded.map((r) => r.id)).toEqual([platform.id, limit.id, later.id]);
    expect(loaded[1]).toMatchObject({ deviceLimit: 2, targetGroups: ['pilots'], createdDateTime: now });
    expect(loaded[0]).toMatchObject({
      platform: DevicePlatform.IOS,
      osMinimumVersion: '16.0',
      platformBlocked: false,
    });
    // Managed: the identity map hands out the same object, and changes are flushed.
    expect(await fresh.findOne(EnrollmentRestriction, platform.id)).toBe(loaded[0]);
  });

  it('deletes a restriction, and says when there was none', async () => {
    const created = await restriction(backend().em(), RestrictionKind.DEVICE_LIMIT, 9, { deviceLimit: 1 });
    expect(await store.delete(backend().em(), created.id)).toBe(true);
    expect(await store.delete(backend().em(), created.id)).toBe(false);
    expect(await store.delete(backend().em(), randomUUID())).toBe(false);
    expect(await backend().em().findOne(EnrollmentRestriction, created.id)).toBeNull();
  });

  it('loads nothing from an empty table', async () => {
    const em = backend().em();
    await em.nativeDelete(EnrollmentRestriction, {});
    expect(await store.inPriorityOrder(backend().em())).toEqual([]);
    expect(await store.list(backend().em())).toEqual([]);
  });
});
