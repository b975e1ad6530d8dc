import { randomBytes, randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ApiToken } from '../../src/modules/auth/api-token.entity.js';
import { ApiTokenStore } from '../../src/modules/auth/api-token.store.js';
import { Role } from '../../src/modules/auth/role.enum.js';
import { describeStore, type StoreBackend } from './backends.js';

const store = new ApiTokenStore();

interface TokenFields {
  name?: string;
  createdDateTime?: Date;
  expiresDateTime?: Date | null;
  revokedDateTime?: Date | null;
}

/** Persists a token through the unit of work, as the service creates one. */
async function saveToken(backend: StoreBackend, fields: TokenFields = {}): Promise<ApiToken> {
  const em = backend.em();
  const token = em.create(ApiToken, {
    name: fields.name ?? `token-${randomUUID().slice(0, 8)}`,
    role: Role.READER,
    secretHash: randomBytes(32).toString('hex'),
    secretPrefix: 'mdm_abcdefgh',
    createdDateTime: fields.createdDateTime ?? new Date('2030-01-01T00:00:00Z'),
    expiresDateTime: fields.expiresDateTime ?? null,
  });
  if (fields.revokedDateTime) token.revokedDateTime = fields.revokedDateTime;
  await em.flush();
  return token;
}

describeStore('the API token store', (backend) => {
  it('finds a token by id, revoked or not, and null for an unknown id', async () => {
    const live = await saveToken(backend());
    const revoked = await saveToken(backend(), { revokedDateTime: new Date('2030-02-01T00:00:00Z') });
    expect(await store.byId(backend().em(), live.id)).toMatchObject({ id: live.id, name: live.name });
    expect(await store.byId(backend().em(), revoked.id)).toMatchObject({
      revokedDateTime: new Date('2030-02-01T00:00:00Z'),
    });
    expect(await store.byId(backend().em(), randomUUID())).toBeNull();
  });

  it('finds an unrevoked token by its secret hash, expired ones included', async () => {
    const live = await saveToken(backend());
    const expired = await saveToken(backend(), { expiresDateTime: new Date('2000-01-01T00:00:00Z') });
    const revoked = await saveToken(backend(), { revokedDateTime: new Date('2030-02-01T00:00:00Z') });
    expect((await store.unrevokedBySecretHash(backend().em(), live.secretHash))?.id).toBe(live.id);
    expect((await store.unrevokedBySecretHash(backend().em(), expired.secretHash))?.id).toBe(expired.id);
    expect(await store.unrevokedBySecretHash(backend().em(), revoked.secretHash)).toBeNull();
    expect(await store.unrevokedBySecretHash(backend().em(), 'f'.repeat(64))).toBeNull();
  });

  it('lists the unrevoked tokens among ids with their expiry, leaving out revoked and unknown ones', async () => {
    const live = await saveToken(backend());
    const expiring = await saveToken(backend(), { expiresDateTime: new Date('2000-01-01T00:00:00Z') });
    const revoked = await saveToken(backend(), { revokedDateTime: new Date('2030-02-01T00:00:00Z') });
    const rows = await store.unrevokedAmong(backend().em(), [live.id, expiring.id, revoked.id, randomUUID()]);
    expect(
      rows
        .map((r) => ({ id: r.id, expiresDateTime: r.expiresDateTime }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(
      [
        { id: live.id, expiresDateTime: null },
        { id: expiring.id, expiresDateTime: new Date('2000-01-01T00:00:00Z') },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(await store.unrevokedAmong(backend().em(), [])).toEqual([]);
  });

  it('lists tokens newest first, ties broken by id, at most the limit', async () => {
    const newest = new Date('2099-12-31T00:00:00Z');
    const a = await saveToken(backend(), { createdDateTime: newest });
    const b = await saveToken(backend(), { createdDateTime: newest });
    const c = await saveToken(backend(), {
      createdDateTime: new Date('2099-12-30T00:00:00Z'),
      revokedDateTime: new Date('2099-12-30T01:00:00Z'),
    });
    const [high, low] = [a.id, b.id].sort().reverse();
    expect((await store.newestFirst(backend().em(), 3)).map((t) => t.id)).toEqual([high, low, c.id]);
    expect((await store.newestFirst(backend().em(), 1)).map((t) => t.id)).toEqual([high]);
  });

  it('counts every token, revoked ones included', async () => {
    const before = await store.count(backend().em());
    await saveToken(backend());
    await saveToken(backend(), { revokedDateTime: new Date('2030-02-01T00:00:00Z') });
    expect(await store.count(backend().em())).toBe(before + 2);
  });

  it('records a last use at once and ignores an unknown id', async () => {
    const token = await saveToken(backend());
    const at = new Date('2030-03-04T05:06:07.000Z');
    await store.touchLastUsed(backend().em(), token.id, at);
    expect((await store.byId(backend().em(), token.id))?.lastUsedDateTime).toEqual(at);
    await expect(store.touchLastUsed(backend().em(), randomUUID(), at)).resolves.toBeUndefined();
  });

  it('revokes the unrevoked tokens of one name, keeping earlier revocations and other names as they are', async () => {
    const name = `demo-${randomUUID().slice(0, 8)}`;
    const earlier = new Date('2030-01-15T00:00:00Z');
    const first = await saveToken(backend(), { name });
    const second = await saveToken(backend(), { name });
    const alreadyRevoked = await saveToken(backend(), { name, revokedDateTime: earlier });
    const other = await saveToken(backend());
    const at = new Date('2030-02-01T00:00:00Z');
    expect(await store.revokeUnrevokedNamed(backend().em(), name, at)).toBe(2);
    const em = backend().em();
    expect((await store.byId(em, first.id))?.revokedDateTime).toEqual(at);
    expect((await store.byId(em, second.id))?.revokedDateTime).toEqual(at);
    expect((await store.byId(em, alreadyRevoked.id))?.revokedDateTime).toEqual(earlier);
    expect((await store.byId(em, other.id))?.revokedDateTime).toBeNull();
    expect(await store.revokeUnrevokedNamed(backend().em(), name, at)).toBe(0);
  });

  it('inserts a token unless one with its secret hash exists, concurrent callers included', async () => {
    const secretHash = randomBytes(32).toString('hex');
    const token = (id: string) => ({
      id,
      name: 'bootstrap',
      role: Role.ADMIN,
      secretHash,
      secretPrefix: 'mdm_bootstra',
      createdDateTime: new Date('2030-05-01T00:00:00Z'),
    });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const inserted = await Promise.all(ids.map((id) => store.insertUnlessKnown(backend().em(), token(id))));
    expect(inserted.filter(Boolean)).toHaveLength(1);
    const winner = ids[inserted.indexOf(true)]!;
    expect(await store.unrevokedBySecretHash(backend().em(), secretHash)).toMatchObject({
      id: winner,
      role: Role.ADMIN,
    });
    expect(await store.insertUnlessKnown(backend().em(), token(randomUUID()))).toBe(false);
  });

  it('lets other insert errors through', async () => {
    await expect(
      store.insertUnlessKnown(backend().em(), {
        id: randomUUID(),
        name: 'x'.repeat(129),
        role: Role.ADMIN,
        secretHash: randomBytes(32).toString('hex'),
        secretPrefix: 'mdm_',
        createdDateTime: new Date('2030-05-01T00:00:00Z'),
      }),
    ).rejects.toThrow();
  });
});
