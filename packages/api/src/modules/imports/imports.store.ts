import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UniqueConstraintViolationException, type EntityManager, type Knex } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sqlOf } from '../../db/sql.js';
import { AppleDevice, AppleDeviceSource } from '../apple-enrollment/apple-device.entity.js';
import {
  CorporateIdentifier,
  CorporateIdentifierType,
} from '../corporate-identifier/corporate-identifier.entity.js';
import { activeDeviceSql } from '../device/active-device.policy.js';
import { GraphImportedDevice } from './graph-imported-device.entity.js';
import { ImportRecord } from './import-record.entity.js';
import { ImportRowOutcome } from './imports.types.js';

/** A staged value: COPY's text format and an unnest() array both carry these. */
export type StagedValue = string | number | boolean | null;

/** A corporate identifier as it is staged before the merge. */
export interface StagedIdentifier {
  rowNumber: number;
  identifier: string;
  details: string | null;
  manufacturer: string | null;
  model: string | null;
}

/** The outcome of a staged row that matched a stored identifier (rows that matched none are NEW). */
export interface MatchedIdentifier {
  rowNumber: number;
  outcome: ImportRowOutcome.UNCHANGED | ImportRowOutcome.OVERWRITTEN | ImportRowOutcome.CONFLICTING;
}

/** An ABM `deleted` record: the serial and its `op_date` (null when Apple sent none). */
export interface DepDeletion {
  serialNumber: string;
  opDate: Date | null;
}

/** An ABM `added`/`modified` record, as apple_device stores it. */
export interface DepUpsert {
  serialNumber: string;
  model: string | null;
  description: string | null;
  profileStatus: string | null;
  opDate: Date | null;
  profileUuid: string | null;
  deviceAssignedBy: string | null;
}

/** A Configurator serial and its details. */
export interface ConfiguratorSerial {
  serialNumber: string;
  details: string | null;
}

/** An Autopilot registration as autopilot_device stores it. */
export interface AutopilotRegistration {
  serialNumber: string;
  windowsProductId: string | null;
  hardwareHash: string;
  groupTag: string | null;
  assignedUser: string | null;
}

/** An Exchange partnership as eas_device stores it. */
export interface EasPartnership {
  easDeviceId: string;
  userPrincipalName: string;
  deviceType: string | null;
  operatingSystem: string | null;
  lastSyncDateTime: Date | null;
}

/**
 * A Graph managedDevice as graph_imported_device stores it: instants as 100-ns ticks (decimal
 * string) and offset minutes, byte counts as decimal strings (bigint columns; no digit lost).
 */
export interface GraphDeviceRow {
  graphId: string;
  deviceName: string | null;
  userPrincipalName: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  serialNumber: string | null;
  imei: string | null;
  ownerType: string | null;
  managementAgent: string | null;
  enrollmentType: string | null;
  complianceState: string | null;
  /** Every enum's original string, by Graph property name. */
  enumOriginals: Record<string, string>;
  enrolledTicks: string | null;
  enrolledOffsetMinutes: number | null;
  lastSyncTicks: string | null;
  lastSyncOffsetMinutes: number | null;
  totalStorage: string | null;
  freeStorage: string | null;
  physicalMemory: string | null;
}

/** A row an upsert wrote: its key and whether it was created (else updated). */
export interface WrittenKey {
  key: string;
  inserted: boolean;
}

/** Bytes of COPY text sent per stream write (fewer, larger writes than one per row). */
const CHUNK_CHARS = 256 * 1024;

/** COPY text-format escaping: backslash, tab, newline and carriage return; `\N` is NULL. */
function copyField(value: StagedValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : value;
}

/**
 * The node-postgres connection of the entity manager's transaction, for COPY only. COPY is the one
 * statement the raw SQL seam cannot run: `COPY ... FROM STDIN` is a sub-protocol of its own
 * (pg-copy-streams drives it on a `pg` connection), not a query with parameters. It must run on
 * the transaction's own connection because the staging table is temporary (visible to that
 * session only) and the merge that reads it, and the import record, commit in that transaction; a
 * second connection from the configured URL would see neither. knex's public typings declare the
 * transaction's `client` a `Knex.Client` whose `acquireConnection()` returns the connection bound
 * to the transaction (typed `any` there; here the pg connection knex's PostgreSQL dialect uses).
 * @throws Error outside `em.transactional`
 */
async function copyConnection(em: EntityManager): Promise<pg.PoolClient> {
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (!transaction) throw new Error('staging needs a transaction: call it inside em.transactional');
  const client: Knex.Client = transaction.client;
  const connection: pg.PoolClient = await client.acquireConnection();
  return connection;
}

/**
 * Streams `lines` (COPY text-format rows, each ending in a newline) into `COPY <target> FROM STDIN`
 * on `connection`, in writes of about {@link CHUNK_CHARS}.
 */
async function copyLines(connection: pg.PoolClient, target: string, lines: Iterable<string>): Promise<void> {
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const line of lines) {
      chunk += line;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks()), connection.query(copyFrom(`copy ${target} from stdin`)));
}

/** PostgreSQL's SQLSTATE for a unique violation (node-postgres reports it as `code`). */
const UNIQUE_VIOLATION = '23505';

const STAGE_TABLE = 'corporate_identifier_stage';
const STAGE_COLUMNS = [
  { name: 'row_number', type: 'int' },
  { name: 'identifier', type: 'text' },
  { name: 'details', type: 'text' },
  { name: 'manufacturer', type: 'text' },
  { name: 'model', type: 'text' },
] as const;

const ACTIVE = activeDeviceSql('d.management_state');

/**
 * Which active devices carry an identifier of each type, as a row-valued IN list: the planner hashes
 * it once for a large file instead of probing managed_device per row (the SERIAL match has no index
 * on serial_number alone).
 */
const enrolledMatch: Record<CorporateIdentifierType, string> = {
  [CorporateIdentifierType.IMEI]: `s.identifier in (select d.imei from managed_device d where ${ACTIVE} and d.imei is not null)`,
  [CorporateIdentifierType.SERIAL]: `s.identifier in (select d.serial_number from managed_device d where ${ACTIVE} and d.serial_number is not null)`,
  [CorporateIdentifierType.WINDOWS]: `(s.identifier, s.manufacturer, s.model) in (select d.serial_number, d.manufacturer, d.model from managed_device d
     where d.platform = 'WINDOWS' and ${ACTIVE} and d.serial_number is not null)`,
};

/**
 * How a staged identifier matches a stored one of its type. IMEIs are digits; serial numbers
 * (Apple, Android, Windows SMBIOS) are case-insensitive hardware ids, so `c02zx1abmd6t` finds a
 * stored `C02ZX1ABMD6T` (the stored spelling is kept). The type is a literal, not a parameter, so
 * the planner sees that a serial's match may use the partial index
 * `corporate_identifier_serial_upper_index` (a probe per staged row when the import is small
 * next to the table; a hash of the stored ones when it is not: the planner chooses).
 */
const sameIdentifier: Record<CorporateIdentifierType, string> = {
  [CorporateIdentifierType.IMEI]: `c.identifier_type = '${CorporateIdentifierType.IMEI}' and c.identifier = s.identifier`,
  [CorporateIdentifierType.SERIAL]: `c.identifier_type = '${CorporateIdentifierType.SERIAL}' and upper(c.identifier) = upper(s.identifier)`,
  [CorporateIdentifierType.WINDOWS]: `c.identifier_type = '${CorporateIdentifierType.WINDOWS}' and upper(c.identifier) = upper(s.identifier)`,
};

const OUTCOMES: Record<string, MatchedIdentifier['outcome']> = {
  U: ImportRowOutcome.UNCHANGED,
  O: ImportRowOutcome.OVERWRITTEN,
  C: ImportRowOutcome.CONFLICTING,
};

/** Graph managedDevice columns an export sets: a record equal in all of them is left alone. */
const GRAPH_COMPARED = [
  'device_name',
  'user_principal_name',
  'operating_system',
  'os_version',
  'serial_number',
  'imei',
  'managed_device_owner_type',
  'management_agent',
  'device_enrollment_type',
  'compliance_state',
  'enum_originals',
  'enrolled_ticks',
  'enrolled_offset_minutes',
  'last_sync_ticks',
  'last_sync_offset_minutes',
  'total_storage_space_in_bytes',
  'free_storage_space_in_bytes',
  'physical_memory_in_bytes',
] as const;

/**
 * Every statement of the imports: the staging of bulk identifier rows, the set-based writes of
 * each format (corporate identifiers, ABM/DEP and Configurator serials, Autopilot registrations,
 * Exchange partnerships, Graph managedDevices) and the reads of what was imported. The writers
 * (writers/) keep the format rules and call these methods; every method runs in the caller's
 * entity manager (its transaction when it is in one).
 *
 * Many rows travel as ONE jsonb parameter that the statement expands with `jsonb_to_recordset`
 * (one statement, no bind per value, no ORM flush per row); a method given no rows runs nothing.
 * New rows get their id from `gen_random_uuid()`.
 */
export class ImportsStore {
  /**
   * Inserts a batch of IMEIs none of which is stored straight into corporate_identifier with
   * `COPY ... FROM STDIN` on the transaction's own connection, inside a savepoint: what the bulk
   * case (a new pool of handsets) costs is then what a COPY into the table costs, with no staging
   * table and no INSERT (a COPY writes the heap a page of rows per WAL record, an INSERT one row
   * per record). An IMEI's identity is exactly the unique index
   * `corporate_identifier_identity_unique`, so the COPY stops at the first stored or repeated
   * identity: the savepoint then undoes it and the caller merges (see
   * {@link mergeStagedCorporateIdentifiers}). Rows are created `notContacted` at `now`; one
   * statement then marks `enrolled` the new rows an active device already carries (the rule the
   * merge applies as it inserts). Ids are random UUIDs made here (as `gen_random_uuid()` would).
   * PostgreSQL servers only (the embedded PGlite does not speak COPY).
   * @returns true when every row was inserted; false when a stored or repeated IMEI refused the
   *   batch (nothing of it is written)
   * @throws Error outside `em.transactional`; any database error but a unique violation
   */
  async copyNewImeis(em: EntityManager, rows: readonly StagedIdentifier[], now: Date): Promise<boolean> {
    const connection = await copyConnection(em);
    const sql = sqlOf(em);
    const created = now.toISOString();
    function* lines(): Generator<string> {
      for (const r of rows)
        yield `${randomUUID()}\t${CorporateIdentifierType.IMEI}\t${copyField(r.identifier)}\t${copyField(r.details)}\t${copyField(r.manufacturer)}\t${copyField(r.model)}\tnotContacted\t${created}\n`;
    }
    await sql.run('savepoint corporate_identifier_copy');
    try {
      await copyLines(
        connection,
        'corporate_identifier (id, identifier_type, identifier, details, manufacturer, model, enrollment_state, created_date_time)',
        lines(),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await sql.run('rollback to savepoint corporate_identifier_copy');
      return false;
    }
    // Driven by the active devices that carry an IMEI, each probing the identity index for a row
    // of this batch (created at `now`): a LATERAL that cannot be flattened (`offset 0`) keeps that
    // order whatever the table's statistics say (a table that just grew by the batch has none yet,
    // and the planner would rather read every stored IMEI).
    await sql.run(
      `update corporate_identifier set enrollment_state = 'enrolled'
        where id = any(array(
          select c.id from managed_device d
           cross join lateral (
             select c.id from corporate_identifier c
              where c.identifier_type = ? and c.identifier = d.imei and c.created_date_time = ? and c.enrollment_state = 'notContacted'
             offset 0) c
           where ${ACTIVE} and d.imei is not null))`,
      [CorporateIdentifierType.IMEI, now],
    );
    await sql.run('release savepoint corporate_identifier_copy');
    return true;
  }

  /**
   * Loads `rows` into the temporary table `corporate_identifier_stage` (dropped at commit; a
   * second call in one transaction replaces it), then ANALYZEs it so the merge sees its size.
   * With `copy` (a PostgreSQL server), through `COPY ... FROM STDIN` on the transaction's own
   * connection, in 256 KiB writes: for 200,000 rows PostgreSQL's cheapest ingestion path. Without
   * it (the embedded PGlite, whose socket server does not speak the COPY sub-protocol), as one
   * INSERT ... SELECT from unnest() of one array parameter per column. Temporary: no WAL, no
   * other session sees it, nothing to clean up.
   * @throws Error outside `em.transactional`
   */
  async stageCorporateIdentifiers(
    em: EntityManager,
    rows: readonly StagedIdentifier[],
    copy: boolean,
  ): Promise<void> {
    if (!em.getTransactionContext())
      throw new Error('staging needs a transaction: call it inside em.transactional');
    const sql = sqlOf(em);
    const valuesOf = (r: StagedIdentifier): StagedValue[] => [
      r.rowNumber,
      r.identifier,
      r.details,
      r.manufacturer,
      r.model,
    ];
    await sql.run(`drop table if exists pg_temp.${STAGE_TABLE}`);
    await sql.run(
      `create temp table ${STAGE_TABLE} (${STAGE_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')}) on commit drop`,
    );
    if (copy) {
      function* lines(): Generator<string> {
        for (const row of rows) yield `${valuesOf(row).map(copyField).join('\t')}\n`;
      }
      await copyLines(await copyConnection(em), STAGE_TABLE, lines());
    } else {
      const arrays = STAGE_COLUMNS.map(() => [] as StagedValue[]);
      for (const row of rows) valuesOf(row).forEach((value, c) => arrays[c]!.push(value));
      await sql.run(
        `insert into ${STAGE_TABLE} select * from unnest(${STAGE_COLUMNS.map((c) => `?::${c.type}[]`).join(', ')})`,
        arrays,
      );
    }
    await sql.run(`analyze ${STAGE_TABLE}`);
    // For the rest of this transaction only. JIT off: the merge's estimated cost passes
    // jit_above_cost on a large table, and compiling its expressions then took about a second
    // (a 1,000-row serial merge on 2 million stored serials: 1.1 s with JIT, 70 ms without), while
    // its time is index and heap work, not expression evaluation. The merge of a large batch
    // hashes the stored identifiers of its type: room for it in memory rather than batches on disk.
    await sql.run(
      `select set_config('jit', 'off', true)${rows.length > 10_000 ? `, set_config('work_mem', '64MB', true)` : ''}`,
    );
  }

  /**
   * Merges the staged identifiers (see {@link stageCorporateIdentifiers}, same transaction) of
   * `type` into corporate_identifier. Identity: type, identifier (serials ignoring case),
   * manufacturer, model (null equals empty). A staged row matching no stored identifier is
   * inserted (`enrollmentState` `enrolled` when an active device already carries it, else
   * `notContacted`; created at `now`); one matching is UNCHANGED when its details are equal (null
   * equals null), else OVERWRITTEN (details replaced) when `overwrite`, else CONFLICTING.
   *
   * IMEIs first try the bulk case, a batch of identifiers none of which is stored, as one plain
   * INSERT ... SELECT of every staged row inside a savepoint: an IMEI's identity is exactly the
   * unique index `corporate_identifier_identity_unique`, so the insert succeeds only when every
   * row is new, and then costs what a COPY into the table costs (no speculative insertion, no
   * read of the stored identifiers). The insert stops at the first stored (or repeated)
   * identity: the savepoint undoes it and the classifying statement below runs (a batch that
   * mixes new and stored IMEIs pays again for the rows before that one). Serial numbers match
   * ignoring case, which the unique index does not see, so they always take the classifying
   * statement. `allNewTried` skips the bulk case (the caller's {@link copyNewImeis} already found
   * a stored or repeated IMEI).
   * @returns the outcome of every staged row that matched a stored identifier
   */
  async mergeStagedCorporateIdentifiers(
    em: EntityManager,
    type: CorporateIdentifierType,
    overwrite: boolean,
    now: Date,
    allNewTried = false,
  ): Promise<MatchedIdentifier[]> {
    const sql = sqlOf(em);
    if (type === CorporateIdentifierType.IMEI && !allNewTried) {
      await sql.run('savepoint corporate_identifier_all_new');
      try {
        await sql.run(
          `insert into corporate_identifier (id, identifier_type, identifier, details, manufacturer, model, enrollment_state, created_date_time)
           select gen_random_uuid(), ?, s.identifier, s.details, s.manufacturer, s.model,
                  case when ${enrolledMatch[type]} then 'enrolled' else 'notContacted' end, ?
             from ${STAGE_TABLE} s`,
          [type, now],
        );
        await sql.run('release savepoint corporate_identifier_all_new');
        return [];
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        await sql.run('rollback to savepoint corporate_identifier_all_new');
      }
    }
    const matched = await sql.rows<{ row_number: number; outcome: string }>(
      `with matched as materialized (
         select s.row_number, s.identifier, s.details, s.manufacturer, s.model, c.id as stored_id, c.details as stored_details,
                c.id is not null and c.details is distinct from s.details as differs
           from ${STAGE_TABLE} s
           left join corporate_identifier c
             on ${sameIdentifier[type]}
            and coalesce(c.manufacturer, '') = coalesce(s.manufacturer, '') and coalesce(c.model, '') = coalesce(s.model, '')
       ),
       inserted as (
         insert into corporate_identifier (id, identifier_type, identifier, details, manufacturer, model, enrollment_state, created_date_time)
         select gen_random_uuid(), ?, s.identifier, s.details, s.manufacturer, s.model,
                case when ${enrolledMatch[type]} then 'enrolled' else 'notContacted' end, ?
           from matched s where s.stored_id is null
         on conflict do nothing
       ),
       overwritten as (
         update corporate_identifier c set details = m.details from matched m where ?::boolean and m.differs and c.id = m.stored_id
       )
       select row_number, case when not differs then 'U' when ?::boolean then 'O' else 'C' end as outcome
         from matched where stored_id is not null`,
      [type, now, overwrite, overwrite],
    );
    return matched.map((m) => ({ rowNumber: Number(m.row_number), outcome: OUTCOMES[m.outcome]! }));
  }

  /**
   * Removes DEP serials of ABM `deleted` records, unless the stored record is newer (a stored
   * `op_date_time` after the record's; either null: removed).
   * @returns the serials removed
   */
  async deleteDepDevices(em: EntityManager, deletions: readonly DepDeletion[]): Promise<string[]> {
    if (deletions.length === 0) return [];
    const deleted = await sqlOf(em).rows<{ serial_number: string }>(
      `delete from apple_device a using jsonb_to_recordset(?::jsonb) as r(serial_number text, op_date timestamptz)
        where a.source = 'DEP' and a.serial_number = r.serial_number and (a.op_date_time is null or r.op_date is null or a.op_date_time <= r.op_date)
        returning a.serial_number`,
      [
        JSON.stringify(
          deletions.map((d) => ({ serial_number: d.serialNumber, op_date: d.opDate?.toISOString() ?? null })),
        ),
      ],
    );
    return deleted.map((d) => d.serial_number);
  }

  /**
   * Upserts DEP serials by serial number; a new one gets the default DEP profile (if any) and
   * `updated_date_time` `now`. A stored record is updated only when the incoming `op_date` is
   * newer (either null: updated) and some column differs, so replaying a page writes nothing.
   * Serials must be unique within `rows`.
   * @returns the serials written (created or updated); the others were left alone
   */
  async upsertDepDevices(em: EntityManager, rows: readonly DepUpsert[], now: Date): Promise<WrittenKey[]> {
    if (rows.length === 0) return [];
    const written = await sqlOf(em).rows<{ serial_number: string; inserted: boolean }>(
      `insert into apple_device (id, source, serial_number, model, description, profile_status, op_date_time, apple_profile_uuid, device_assigned_by, profile_id, updated_date_time)
       select gen_random_uuid(), 'DEP', r.serial_number, r.model, r.description, r.profile_status, r.op_date, r.profile_uuid, r.device_assigned_by,
              (select p.id from apple_enrollment_profile p where p.kind = 'DEP' and p.is_default limit 1), ?
         from jsonb_to_recordset(?::jsonb) as r(serial_number text, model text, description text, profile_status text, op_date timestamptz, profile_uuid text, device_assigned_by text)
       on conflict (source, serial_number) do update set
              model = excluded.model, description = excluded.description, profile_status = excluded.profile_status,
              op_date_time = excluded.op_date_time, apple_profile_uuid = excluded.apple_profile_uuid,
              device_assigned_by = excluded.device_assigned_by, updated_date_time = excluded.updated_date_time
        where (apple_device.op_date_time is null or excluded.op_date_time is null or excluded.op_date_time > apple_device.op_date_time)
          and (apple_device.model, apple_device.description, apple_device.profile_status, apple_device.op_date_time, apple_device.apple_profile_uuid, apple_device.device_assigned_by)
              is distinct from (excluded.model, excluded.description, excluded.profile_status, excluded.op_date_time, excluded.apple_profile_uuid, excluded.device_assigned_by)
       returning apple_device.serial_number, (xmax = 0) as inserted`,
      [
        now,
        JSON.stringify(
          rows.map((d) => ({
            serial_number: d.serialNumber,
            model: d.model,
            description: d.description,
            profile_status: d.profileStatus,
            op_date: d.opDate?.toISOString() ?? null,
            profile_uuid: d.profileUuid,
            device_assigned_by: d.deviceAssignedBy,
          })),
        ),
      ],
    );
    return written.map((w) => ({ key: w.serial_number, inserted: w.inserted }));
  }

  /** How many DEP serials are stored (a DEP token's synced device count). */
  depDeviceCount(em: EntityManager): Promise<number> {
    return em.count(AppleDevice, { source: AppleDeviceSource.DEP });
  }

  /** The stored details (description) of these Configurator serials, by serial; absent ones are missing. */
  async configuratorDetails(
    em: EntityManager,
    serialNumbers: readonly string[],
  ): Promise<Map<string, string | null>> {
    if (serialNumbers.length === 0) return new Map();
    const stored = await sqlOf(em).rows<{ serial_number: string; description: string | null }>(
      `select a.serial_number, a.description from apple_device a join jsonb_to_recordset(?::jsonb) as r(serial_number text)
         on a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
      [JSON.stringify(serialNumbers.map((s) => ({ serial_number: s })))],
    );
    return new Map(stored.map((s) => [s.serial_number, s.description]));
  }

  /**
   * Inserts new Configurator serials with `profileId` (or none), updated at `now`; a serial stored
   * meanwhile is skipped.
   */
  async insertConfiguratorSerials(
    em: EntityManager,
    rows: readonly ConfiguratorSerial[],
    profileId: string | null,
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await sqlOf(em).run(
      `insert into apple_device (id, source, serial_number, description, profile_id, updated_date_time)
       select gen_random_uuid(), 'CONFIGURATOR', r.serial_number, r.details, ?::uuid, ? from jsonb_to_recordset(?::jsonb) as r(serial_number text, details text)
       on conflict do nothing`,
      [
        profileId,
        now,
        JSON.stringify(rows.map((r) => ({ serial_number: r.serialNumber, details: r.details }))),
      ],
    );
  }

  /** Replaces the details of stored Configurator serials, updated at `now`. */
  async updateConfiguratorDetails(
    em: EntityManager,
    rows: readonly ConfiguratorSerial[],
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await sqlOf(em).run(
      `update apple_device a set description = r.details, updated_date_time = ? from jsonb_to_recordset(?::jsonb) as r(serial_number text, details text)
        where a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
      [now, JSON.stringify(rows.map((r) => ({ serial_number: r.serialNumber, details: r.details })))],
    );
  }

  /** Assigns the (USB-SA) profile `profileId` to these stored Configurator serials. */
  async assignConfiguratorProfile(
    em: EntityManager,
    serialNumbers: readonly string[],
    profileId: string,
  ): Promise<void> {
    if (serialNumbers.length === 0) return;
    await sqlOf(em).run(
      `update apple_device a set profile_id = ?::uuid from jsonb_to_recordset(?::jsonb) as r(serial_number text)
        where a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
      [profileId, JSON.stringify(serialNumbers.map((s) => ({ serial_number: s })))],
    );
  }

  /** The stored Autopilot registrations of these (byte-exact) serial numbers. */
  async autopilotRegistrations(
    em: EntityManager,
    serialNumbers: readonly string[],
  ): Promise<AutopilotRegistration[]> {
    if (serialNumbers.length === 0) return [];
    const stored = await sqlOf(em).rows<{
      serial_number: string;
      windows_product_id: string | null;
      hardware_hash: string;
      group_tag: string | null;
      assigned_user: string | null;
    }>(
      `select a.serial_number, a.windows_product_id, a.hardware_hash, a.group_tag, a.assigned_user
         from autopilot_device a join jsonb_to_recordset(?::jsonb) as r(serial_number text) on a.serial_number = r.serial_number`,
      [JSON.stringify(serialNumbers.map((s) => ({ serial_number: s })))],
    );
    return stored.map((s) => ({
      serialNumber: s.serial_number,
      windowsProductId: s.windows_product_id,
      hardwareHash: s.hardware_hash,
      groupTag: s.group_tag,
      assignedUser: s.assigned_user,
    }));
  }

  /** Inserts or replaces Autopilot registrations by serial number, imported at `now`. */
  async upsertAutopilotRegistrations(
    em: EntityManager,
    rows: readonly AutopilotRegistration[],
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await sqlOf(em).run(
      `insert into autopilot_device (id, serial_number, windows_product_id, hardware_hash, group_tag, assigned_user, imported_date_time)
       select gen_random_uuid(), r.serial_number, r.windows_product_id, r.hardware_hash, r.group_tag, r.assigned_user, ?
         from jsonb_to_recordset(?::jsonb) as r(serial_number text, windows_product_id text, hardware_hash text, group_tag text, assigned_user text)
       on conflict (serial_number) do update set windows_product_id = excluded.windows_product_id, hardware_hash = excluded.hardware_hash,
         group_tag = excluded.group_tag, assigned_user = excluded.assigned_user, imported_date_time = excluded.imported_date_time`,
      [
        now,
        JSON.stringify(
          rows.map((r) => ({
            serial_number: r.serialNumber,
            windows_product_id: r.windowsProductId,
            hardware_hash: r.hardwareHash,
            group_tag: r.groupTag,
            assigned_user: r.assignedUser,
          })),
        ),
      ],
    );
  }

  /**
   * Upserts a connector's partnerships by (connector, EAS device id); a stored one is updated only
   * when a reported column differs (the access state set by admins is kept). Device ids must be
   * unique within `rows`.
   * @returns the device ids written (created or updated); the others were left alone
   */
  async upsertEasPartnerships(
    em: EntityManager,
    connectorId: string,
    rows: readonly EasPartnership[],
  ): Promise<WrittenKey[]> {
    if (rows.length === 0) return [];
    const written = await sqlOf(em).rows<{ eas_device_id: string; inserted: boolean }>(
      `insert into eas_device (id, connector_id, eas_device_id, user_principal_name, device_type, operating_system, last_sync_date_time)
       select gen_random_uuid(), ?::uuid, r.eas_device_id, r.user_principal_name, r.device_type, r.operating_system, r.last_sync
         from jsonb_to_recordset(?::jsonb) as r(eas_device_id text, user_principal_name text, device_type text, operating_system text, last_sync timestamptz)
       on conflict (connector_id, eas_device_id) do update set user_principal_name = excluded.user_principal_name, device_type = excluded.device_type,
         operating_system = excluded.operating_system, last_sync_date_time = excluded.last_sync_date_time
        where (eas_device.user_principal_name, eas_device.device_type, eas_device.operating_system, eas_device.last_sync_date_time)
              is distinct from (excluded.user_principal_name, excluded.device_type, excluded.operating_system, excluded.last_sync_date_time)
       returning eas_device.eas_device_id, (xmax = 0) as inserted`,
      [
        connectorId,
        JSON.stringify(
          rows.map((r) => ({
            eas_device_id: r.easDeviceId,
            user_principal_name: r.userPrincipalName,
            device_type: r.deviceType,
            operating_system: r.operatingSystem,
            last_sync: r.lastSyncDateTime?.toISOString() ?? null,
          })),
        ),
      ],
    );
    return written.map((w) => ({ key: w.eas_device_id, inserted: w.inserted }));
  }

  /**
   * Upserts Graph managedDevices by Graph id, imported at `now`. A stored record equal in every
   * compared column is not written (not even its import time). Graph ids must be unique within
   * `rows` (PostgreSQL refuses to update one row twice in one `INSERT ... ON CONFLICT`).
   * @returns the Graph ids written (created or updated); the others were left alone
   */
  async upsertGraphDevices(
    em: EntityManager,
    rows: readonly GraphDeviceRow[],
    now: Date,
  ): Promise<WrittenKey[]> {
    if (rows.length === 0) return [];
    const written = await sqlOf(em).rows<{ graph_id: string; inserted: boolean }>(
      `insert into graph_imported_device (id, graph_id, device_name, user_principal_name, operating_system, os_version, serial_number, imei,
         managed_device_owner_type, management_agent, device_enrollment_type, compliance_state, enum_originals,
         enrolled_ticks, enrolled_offset_minutes, last_sync_ticks, last_sync_offset_minutes,
         total_storage_space_in_bytes, free_storage_space_in_bytes, physical_memory_in_bytes, imported_date_time)
       select gen_random_uuid(), r.graph_id, r.device_name, r.user_principal_name, r.operating_system, r.os_version, r.serial_number, r.imei,
         r.owner_type, r.management_agent, r.enrollment_type, r.compliance_state, r.enum_originals,
         r.enrolled_ticks::bigint, r.enrolled_offset, r.last_sync_ticks::bigint, r.last_sync_offset,
         r.total_storage::bigint, r.free_storage::bigint, r.physical_memory::bigint, ?
       from jsonb_to_recordset(?::jsonb) as r(graph_id text, device_name text, user_principal_name text, operating_system text, os_version text,
         serial_number text, imei text, owner_type text, management_agent text, enrollment_type text, compliance_state text, enum_originals jsonb,
         enrolled_ticks text, enrolled_offset int, last_sync_ticks text, last_sync_offset int, total_storage text, free_storage text, physical_memory text)
       on conflict (graph_id) do update set device_name = excluded.device_name, user_principal_name = excluded.user_principal_name,
         operating_system = excluded.operating_system, os_version = excluded.os_version, serial_number = excluded.serial_number, imei = excluded.imei,
         managed_device_owner_type = excluded.managed_device_owner_type, management_agent = excluded.management_agent,
         device_enrollment_type = excluded.device_enrollment_type, compliance_state = excluded.compliance_state, enum_originals = excluded.enum_originals,
         enrolled_ticks = excluded.enrolled_ticks, enrolled_offset_minutes = excluded.enrolled_offset_minutes, last_sync_ticks = excluded.last_sync_ticks,
         last_sync_offset_minutes = excluded.last_sync_offset_minutes, total_storage_space_in_bytes = excluded.total_storage_space_in_bytes,
         free_storage_space_in_bytes = excluded.free_storage_space_in_bytes, physical_memory_in_bytes = excluded.physical_memory_in_bytes,
         imported_date_time = excluded.imported_date_time
       where (${GRAPH_COMPARED.map((c) => `graph_imported_device.${c}`).join(', ')}) is distinct from (${GRAPH_COMPARED.map((c) => `excluded.${c}`).join(', ')})
       returning graph_imported_device.graph_id, (xmax = 0) as inserted`,
      [
        now,
        JSON.stringify(
          rows.map((d) => ({
            graph_id: d.graphId,
            device_name: d.deviceName,
            user_principal_name: d.userPrincipalName,
            operating_system: d.operatingSystem,
            os_version: d.osVersion,
            serial_number: d.serialNumber,
            imei: d.imei,
            owner_type: d.ownerType,
            management_agent: d.managementAgent,
            enrollment_type: d.enrollmentType,
            compliance_state: d.complianceState,
            enum_originals: d.enumOriginals,
            enrolled_ticks: d.enrolledTicks,
            enrolled_offset: d.enrolledOffsetMinutes,
            last_sync_ticks: d.lastSyncTicks,
            last_sync_offset: d.lastSyncOffsetMinutes,
            total_storage: d.totalStorage,
            free_storage: d.freeStorage,
            physical_memory: d.physicalMemory,
          })),
        ),
      ],
    );
    return written.map((w) => ({ key: w.graph_id, inserted: w.inserted }));
  }

  /** Deletes corporate identifiers by id. @returns how many were deleted */
  deleteCorporateIdentifiers(em: EntityManager, ids: readonly string[]): Promise<number> {
    return em.nativeDelete(CorporateIdentifier, { id: { $in: [...ids] } });
  }

  /** Corporate identifiers, only those equal to `identifier` when given; newest first (then id), at most 5,000. */
  corporateIdentifiers(em: EntityManager, identifier: string | null): Promise<CorporateIdentifier[]> {
    return em.find(CorporateIdentifier, identifier ? { identifier } : {}, {
      orderBy: { createdDateTime: 'desc', id: 'asc' },
      limit: 5000,
    });
  }

  /** Graph-imported devices by Graph id, at most 5,000. */
  graphImportedDevices(em: EntityManager): Promise<GraphImportedDevice[]> {
    return em.find(GraphImportedDevice, {}, { orderBy: { graphId: 'asc' }, limit: 5000 });
  }

  /** The latest 100 import records, newest first (then id, descending). */
  recentImports(em: EntityManager): Promise<ImportRecord[]> {
    return em.find(ImportRecord, {}, { orderBy: { completedDateTime: 'desc', id: 'desc' }, limit: 100 });
  }
}
