import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { AppleDevice } from '../apple-enrollment/apple-device.entity.js';
import { AutopilotDevice } from '../imports/autopilot-device.entity.js';
import { ACTIVE_STATES } from '../enrollment/enrollment.service.js';

/** Where a page starts: after this (serial number, id) in serial-number order. */
export interface SerialKey {
  serialNumber: string;
  id: string;
}

/** Filters of the Apple serial list, already validated. */
export interface AppleDeviceQuery {
  source?: string;
  search?: string;
  profileAssigned?: boolean;
  enrolled?: boolean;
}

/** Filters of the Autopilot list, already validated. */
export interface AutopilotDeviceQuery {
  search?: string;
  groupTag?: string;
  enrolled?: boolean;
}

/** A page of rows (one more than asked, to tell whether another page follows) and the total count. */
export interface StoredPage<T> {
  rows: T[];
  totalCount: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Reads of the pre-registered hardware lists (Apple serials, Autopilot registrations): every
 * statement about them for the paginated queries. Pages are keyset-ordered by serial number then
 * id, and cost two statements whatever their size (the page and its count).
 */
export class ImportedDevicesStore {
  /** One page of Apple serials after `after`, at most `limit` rows. */
  async appleDevices(
    em: EntityManager,
    query: AppleDeviceQuery,
    after: SerialKey | null,
    limit: number,
  ): Promise<StoredPage<AppleDevice>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.source) {
      conditions.push('"a"."source" = ?');
      params.push(query.source);
    }
    if (query.profileAssigned !== undefined)
      conditions.push(`"a"."profile_id" is ${query.profileAssigned ? 'not ' : ''}null`);
    this.common(conditions, params, 'a', query);
    const { rows, totalCount } = await this.page(em, 'apple_device', conditions, params, after, limit);
    return { rows: rows.map((row) => em.map(AppleDevice, row)), totalCount };
  }

  /** One page of Autopilot registrations after `after`, at most `limit` rows. */
  async autopilotDevices(
    em: EntityManager,
    query: AutopilotDeviceQuery,
    after: SerialKey | null,
    limit: number,
  ): Promise<StoredPage<AutopilotDevice>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.groupTag !== undefined) {
      conditions.push('"a"."group_tag" = ?');
      params.push(query.groupTag);
    }
    this.common(conditions, params, 'a', query);
    const { rows, totalCount } = await this.page(em, 'autopilot_device', conditions, params, after, limit);
    return { rows: rows.map((row) => em.map(AutopilotDevice, row)), totalCount };
  }

  /** The search and "enrolled" conditions both lists share. */
  private common(
    conditions: string[],
    params: unknown[],
    alias: string,
    query: { search?: string; enrolled?: boolean },
  ): void {
    if (query.search) {
      conditions.push(`"${alias}"."serial_number" ilike ?`);
      params.push(`%${escapeLike(query.search)}%`);
    }
    if (query.enrolled !== undefined) {
      // An active managed device reporting the serial (the same comparison enrollment matching makes).
      conditions.push(
        `${query.enrolled ? '' : 'not '}exists (select 1 from "managed_device" as "d" where "d"."serial_number" = "${alias}"."serial_number" and "d"."management_state" in (${ACTIVE_STATES.map(() => '?').join(', ')}))`,
      );
      params.push(...ACTIVE_STATES);
    }
  }

  private async page(
    em: EntityManager,
    table: string,
    conditions: string[],
    params: unknown[],
    after: SerialKey | null,
    limit: number,
  ): Promise<{ rows: Record<string, unknown>[]; totalCount: number }> {
    const filtered = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const pageConditions = [...conditions];
    const pageParams = [...params];
    if (after) {
      pageConditions.push('("a"."serial_number", "a"."id") > (?, ?)');
      pageParams.push(after.serialNumber, after.id);
    }
    const sql = sqlOf(em);
    const [rows, counted] = await Promise.all([
      sql.rows<Record<string, unknown>>(
        `select "a".* from "${table}" as "a" ${pageConditions.length ? `where ${pageConditions.join(' and ')}` : ''} order by "a"."serial_number", "a"."id" limit ?`,
        [...pageParams, limit],
      ),
      sql.rows<{ count: number }>(
        `select count(*)::int as "count" from "${table}" as "a" ${filtered}`,
        params,
      ),
    ]);
    return { rows, totalCount: counted[0]!.count };
  }
}
