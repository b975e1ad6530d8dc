import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { describeStore } from './backends.js';

describeStore('the raw SQL seam', (backend) => {
  it('binds parameters, arrays as one PostgreSQL array and JSON as one value', async () => {
    const row = await backend()
      .sql()
      .first<{ n: number; hit: boolean; doc: { a: number } }>(
        'select ?::int as n, 2 = any(?::int[]) as hit, ?::jsonb as doc',
        [7, [1, 2, 3], JSON.stringify({ a: 1 })],
      );
    expect(row).toEqual({ n: 7, hit: true, doc: { a: 1 } });
  });

  it('runs inside the ORM transaction it is called in, and rolls back with it', async () => {
    const em = backend().em();
    await sqlOf(em).run('create table if not exists seam_probe (id int primary key)');
    await expect(
      em.transactional(async (tx) => {
        await sqlOf(tx).run('insert into seam_probe values (?)', [1]);
        const seen = await sqlOf(tx).rows<{ id: number }>('select id from seam_probe');
        expect(seen).toEqual([{ id: 1 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await sqlOf(em).rows('select id from seam_probe')).toEqual([]);
  });

  it('turns driver errors into the ORM exceptions and reports rows touched', async () => {
    const sql = backend().sql();
    await sql.run('create table if not exists seam_unique (id int primary key)');
    expect((await sql.run('insert into seam_unique values (?), (?)', [1, 2])).rowCount).toBe(2);
    await expect(sql.run('insert into seam_unique values (?)', [1])).rejects.toBeInstanceOf(
      UniqueConstraintViolationException,
    );
  });
});
