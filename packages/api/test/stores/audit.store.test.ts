import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import { AuditOutcome, type AuditRecord } from '../../src/modules/audit/audit-record.entity.js';
import { AuditStore, type NewAuditRow } from '../../src/modules/audit/audit.store.js';
import { Role } from '../../src/modules/auth/role.enum.js';
import { describeStore } from './backends.js';

const store = new AuditStore();

/** A row of its own action (so pages of one test see only its rows), occurring at `at`. */
function row(action: string, at: Date, overrides: Partial<NewAuditRow> = {}): NewAuditRow {
  return {
    id: randomUUID(),
    occurredDateTime: at,
    action,
    outcome: AuditOutcome.success,
    code: null,
    actorName: null,
    actorTokenId: null,
    actorRole: null,
    clientAddress: null,
    targetType: null,
    targetId: null,
    requestId: null,
    details: '{}',
    ...overrides,
  };
}

const uniqueAction = () => `test.${randomUUID().slice(0, 8)}`;

describeStore('the audit store', (backend) => {
  it('appends a batch in one statement, every column as given', async () => {
    const action = uniqueAction();
    const tokenId = randomUUID();
    const full = row(action, new Date('2031-02-03T04:05:06.789Z'), {
      outcome: AuditOutcome.refused,
      code: 'ENROLLMENT_RESTRICTED',
      actorName: 'ci',
      actorTokenId: tokenId,
      actorRole: Role.OPERATOR,
      clientAddress: '192.0.2.7',
      targetType: 'ManagedDevice',
      targetId: 'serial "quoted", with comma',
      requestId: 'req-1',
      details: JSON.stringify({ input: { platform: 'IOS', list: [1, 2] }, refusal: 'no' }),
    });
    const bare = row(action, new Date('2031-02-03T04:05:05.000Z'));
    await store.append(backend().em(), [full, bare]);

    const page = await store.page(backend().em(), { action }, 10);
    expect(page.totalCount).toBe(2);
    const [first, second] = page.items as [AuditRecord, AuditRecord];
    expect(first).toMatchObject({
      id: full.id,
      occurredDateTime: full.occurredDateTime,
      action,
      outcome: AuditOutcome.refused,
      code: 'ENROLLMENT_RESTRICTED',
      actorName: 'ci',
      actorTokenId: tokenId,
      actorRole: Role.OPERATOR,
      clientAddress: '192.0.2.7',
      targetType: 'ManagedDevice',
      targetId: 'serial "quoted", with comma',
      requestId: 'req-1',
      details: { input: { platform: 'IOS', list: [1, 2] }, refusal: 'no' },
    });
    expect(second).toMatchObject({
      id: bare.id,
      code: null,
      actorTokenId: null,
      actorRole: null,
      details: {},
    });
  });

  it('appends nothing for an empty batch', async () => {
    const count = async () =>
      (await backend().sql().first<{ n: number }>('select count(*)::int as n from audit_record'))!.n;
    const before = await count();
    await store.append(backend().em(), []);
    expect(await count()).toBe(before);
  });

  it('writes a batch all or none: a reused id refuses the whole statement', async () => {
    const action = uniqueAction();
    const existing = row(action, new Date('2031-03-01T00:00:00Z'));
    await store.append(backend().em(), [existing]);
    await expect(
      store.append(backend().em(), [
        row(action, new Date('2031-03-01T00:00:01Z')),
        { ...existing, occurredDateTime: new Date('2031-03-01T00:00:02Z') },
      ]),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    expect((await store.page(backend().em(), { action }, 10)).items.map((r) => r.id)).toEqual([existing.id]);
  });

  it("appends inside the caller's transaction and rolls back with it", async () => {
    const action = uniqueAction();
    await expect(
      backend()
        .em()
        .transactional(async (tx) => {
          await store.append(tx, [row(action, new Date('2031-04-01T00:00:00Z'))]);
          expect((await store.page(tx, { action }, 10)).totalCount).toBe(1);
          throw new Error('roll back');
        }),
    ).rejects.toThrow('roll back');
    expect((await store.page(backend().em(), { action }, 10)).totalCount).toBe(0);
  });

  it('pages newest first, ties broken by id, with the total and a cursor to the next page', async () => {
    const action = uniqueAction();
    const at = new Date('2031-05-01T00:00:00Z');
    const rows = [
      row(action, new Date(at.getTime() + 2000)),
      row(action, at),
      row(action, at),
      row(action, new Date(at.getTime() + 1000)),
      row(action, new Date(at.getTime() - 1000)),
    ];
    await store.append(backend().em(), rows);
    const [tieHigh, tieLow] = [rows[1]!.id, rows[2]!.id].sort().reverse();
    const expected = [rows[0]!.id, rows[3]!.id, tieHigh, tieLow, rows[4]!.id];

    const first = await store.page(backend().em(), { action }, 2);
    expect(first.items.map((r) => r.id)).toEqual(expected.slice(0, 2));
    expect(first).toMatchObject({ totalCount: 5, hasNextPage: true });
    const second = await store.page(backend().em(), { action }, 2, first.endCursor!);
    expect(second.items.map((r) => r.id)).toEqual(expected.slice(2, 4));
    const last = await store.page(backend().em(), { action }, 2, second.endCursor!);
    expect(last.items.map((r) => r.id)).toEqual(expected.slice(4));
    expect(last.hasNextPage).toBe(false);
    expect(last.totalCount).toBe(5);
  });

  it('filters by action, target, outcome and acting token, every criterion given at once', async () => {
    const action = uniqueAction();
    const other = uniqueAction();
    const tokenId = randomUUID();
    const at = new Date('2031-06-01T00:00:00Z');
    const match = row(action, at, { targetId: 't1', outcome: AuditOutcome.denied, actorTokenId: tokenId });
    await store.append(backend().em(), [
      match,
      row(action, at, { targetId: 't2', outcome: AuditOutcome.denied, actorTokenId: tokenId }),
      row(action, at, { targetId: 't1', outcome: AuditOutcome.success, actorTokenId: tokenId }),
      row(action, at, { targetId: 't1', outcome: AuditOutcome.denied, actorTokenId: randomUUID() }),
      row(other, at, { targetId: 't1', outcome: AuditOutcome.denied, actorTokenId: tokenId }),
    ]);
    const ids = async (filter: Parameters<AuditStore['page']>[1]) =>
      (await store.page(backend().em(), filter, 50)).items.map((r) => r.id);
    expect(
      await ids({ action, targetId: 't1', outcome: AuditOutcome.denied, actorTokenId: tokenId }),
    ).toEqual([match.id]);
    expect(await ids({ action })).toHaveLength(4);
    expect(await ids({ action, targetId: 't1' })).toHaveLength(3);
    expect(await ids({ action, outcome: AuditOutcome.denied })).toHaveLength(3);
    expect(await ids({ actorTokenId: tokenId })).toHaveLength(4);
    expect(await ids({ action: uniqueAction() })).toEqual([]);
  });

  it('refuses a cursor that is not one of its own', async () => {
    await expect(store.page(backend().em(), {}, 10, 'not-a-cursor')).rejects.toThrow();
  });
});
