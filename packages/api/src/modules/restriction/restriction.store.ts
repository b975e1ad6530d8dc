import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { EnrollmentRestriction } from './restriction.entity.js';

/** The SQL of enrollment restrictions. Stateless: every method runs in the caller's entity manager. */
export class RestrictionStore {
  /** Every restriction, by kind then priority (the admin listing). */
  list(em: EntityManager): Promise<EnrollmentRestriction[]> {
    return em.find(EnrollmentRestriction, {}, { orderBy: { kind: 'asc', priority: 'asc' } });
  }

  /**
   * Every restriction in priority order (lowest first), as managed entities of `em`: a plain
   * SELECT mapped to entities, because it runs on every enrollment, where the ORM's query
   * building cost more CPU than the statement.
   */
  async inPriorityOrder(em: EntityManager): Promise<EnrollmentRestriction[]> {
    const rows = await sqlOf(em).rows<Record<string, unknown>>(
      `select * from "enrollment_restriction" order by "priority" asc`,
    );
    return rows.map((row) => em.map(EnrollmentRestriction, row));
  }

  /** Deletes the restriction `id`. @returns whether it existed */
  async delete(em: EntityManager, id: string): Promise<boolean> {
    return (await em.nativeDelete(EnrollmentRestriction, { id })) > 0;
  }
}
