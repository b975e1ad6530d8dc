import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import { CorporateIdentifierType } from '../../src/modules/corporate-identifier/corporate-identifier.entity.js';
import { ImportsStore, type StagedIdentifier } from '../../src/modules/imports/imports.store.js';
import { ImportRowOutcome } from '../../src/modules/imports/imports.types.js';
import { sqlOf } from '../../src/db/sql.js';
import { describeStore } from './backends.js';

const store = new ImportsStore();
const now = new Date('2026-12-03T10:00:00.000Z');
let counter = 0;
/** A 15-digit identifier no other test of the block uses. */
const imei = () => `35${String(Date.now() % 1e8).padStart(8, '0')}${String(counter++).padStart(5, '0')}`;
const serial = () => `SN${randomUUID().slice(0, 8).toUpperCase()}${counter++}`;
const staged = (identifier: string, rowNumber: number, details: string | null = null): StagedIdentifier => ({
  rowNumber,
  identifier,
  details,
  manufacturer: null,
  model: null,
});

describeStore('ImportsStore', (backend) => {
  const copy = () => backend().name === 'postgresql';
  /** Stages `rows` and merges them in one transaction, as the writer does. */
  const merge = (
    type: CorporateIdentifierType,
    rows: StagedIdentifier[],
    overwrite = false,
    stageWithCopy = copy(),
  ) =>
    backend()
      .em()
      .transactional(async (tx) => {
        await store.stageCorporateIdentifiers(tx, rows, stageWithCopy);
        return store.mergeStagedCorporateIdentifiers(tx, type, overwrite, now);
      });
  const storedIdentifiers = (identifiers: string[]) =>
    backend()
      .sql()
      .rows<{ identifier: string; details: string | null; enrollment_state: string }>(
        'select identifier, details, enrollment_state from corporate_identifier where identifier = any(?::text[]) order by identifier',
        [identifiers],
      );

  it('stages rows exactly (tabs, backslashes, line breaks, NULL) with COPY where the server speaks it, else unnest()', async () => {
    const tricky = ['tab\there', 'back\\slash \\N', 'line\nbreak\r', null];
    for (const withCopy of copy() ? [true, false] : [false]) {
      const rows = await backend()
        .em()
        .transactional(async (tx) => {
          await store.stageCorporateIdentifiers(
            tx,
            tricky.map((details, i) => ({
              ...staged(`ID${i}`, i + 1, details),
              model: i === 0 ? 'M' : null,
            })),
            withCopy,
          );
          return sqlOf(tx).rows<{
            row_number: number;
            identifier: string;
            details: string | null;
            model: string | null;
          }>(
            'select row_number, identifier, details, model from corporate_identifier_stage order by row_number',
          );
        });
      expect(rows).toEqual(
        tricky.map((details, i) => ({
          row_number: i + 1,
          identifier: `ID${i}`,
          details,
          model: i === 0 ? 'M' : null,
        })),
      );
    }
  });

  it('refuses to stage outside a transaction (the staging table lives in it)', async () => {
    await expect(store.stageCorporateIdentifiers(backend().em(), [staged(imei(), 1)], false)).rejects.toThrow(
      /transaction/,
    );
  });

  it('inserts a batch of new IMEIs (notContacted, created now) and reports no stored match', async () => {
    const identifiers = [imei(), imei(), imei()];
    const matched = await merge(
      CorporateIdentifierType.IMEI,
      identifiers.map((id, i) => staged(id, i + 1, i === 0 ? null : `pool ${i}`)),
    );
    expect(matched).toEqual([]);
    expect(await storedIdentifiers(identifiers)).toEqual(
      identifiers
        .map((identifier, i) => ({
          identifier,
          details: i === 0 ? null : `pool ${i}`,
          enrollment_state: 'notContacted',
        }))
        .sort((a, b) => a.identifier.localeCompare(b.identifier)),
    );
  });

  it('classifies IMEIs already stored: unchanged, conflicting (kept), or overwritten when asked; new ones are inserted', async () => {
    const [same, changed, fresh] = [imei(), imei(), imei()];
    await merge(CorporateIdentifierType.IMEI, [staged(same, 1, 'a'), staged(changed, 2, null)]);
    const batch = [staged(same, 1, 'a'), staged(changed, 2, 'b'), staged(fresh, 3, 'c')];

    const refused = await merge(CorporateIdentifierType.IMEI, batch, false);
    expect(refused.sort((a, b) => a.rowNumber - b.rowNumber)).toEqual([
      { rowNumber: 1, outcome: ImportRowOutcome.UNCHANGED },
      { rowNumber: 2, outcome: ImportRowOutcome.CONFLICTING },
    ]);
    expect((await storedIdentifiers([changed, fresh])).map((r) => [r.identifier, r.details])).toEqual(
      [
        [changed, null],
        [fresh, 'c'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    const overwritten = await merge(CorporateIdentifierType.IMEI, batch, true);
    expect(overwritten.sort((a, b) => a.rowNumber - b.rowNumber)).toEqual([
      { rowNumber: 1, outcome: ImportRowOutcome.UNCHANGED },
      { rowNumber: 2, outcome: ImportRowOutcome.OVERWRITTEN },
      { rowNumber: 3, outcome: ImportRowOutcome.UNCHANGED },
    ]);
    expect((await storedIdentifiers([changed]))[0]!.details).toBe('b');
  });

  it('inserts a repeated IMEI of one batch once, as the classifying statement always did', async () => {
    const repeated = imei();
    const matched = await merge(CorporateIdentifierType.IMEI, [
      staged(repeated, 1, 'x'),
      staged(repeated, 2, 'x'),
    ]);
    expect(matched).toEqual([]);
    expect(await storedIdentifiers([repeated])).toHaveLength(1);
  });

  it('matches serial numbers ignoring case and keeps the stored spelling', async () => {
    const upper = serial();
    await merge(CorporateIdentifierType.SERIAL, [staged(upper, 1, 'd')]);
    const matched = await merge(CorporateIdentifierType.SERIAL, [staged(upper.toLowerCase(), 7, 'd')]);
    expect(matched).toEqual([{ rowNumber: 7, outcome: ImportRowOutcome.UNCHANGED }]);
    expect(await storedIdentifiers([upper, upper.toLowerCase()])).toEqual([
      { identifier: upper, details: 'd', enrollment_state: 'notContacted' },
    ]);
  });

  /** An active (managed) device whose IMEI is `carried`. */
  const activeDeviceCarrying = (carried: string) =>
    backend()
      .sql()
      .run(
        `insert into managed_device (id, device_name, platform, operating_system, os_version, imei, managed_device_owner_type,
           enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time)
         values (?, 'laptop', 'WINDOWS', 'Windows', '10.0.22631', ?, 'company', 'BULK_ENROLL', 'windowsBulkUserless', ?, ?)`,
        [randomUUID(), carried, now, now],
      );

  it('marks an identifier enrolled when an active device already carries it', async () => {
    const carried = imei();
    await activeDeviceCarrying(carried);
    await merge(CorporateIdentifierType.IMEI, [staged(carried, 1)]);
    expect((await storedIdentifiers([carried]))[0]!.enrollment_state).toBe('enrolled');
  });

  it('COPies a batch of new IMEIs straight into the table (enrolled when an active device carries one); a stored or repeated IMEI refuses the whole batch', async () => {
    // COPY is a PostgreSQL server's sub-protocol: the embedded PGlite stages with unnest() instead.
    if (!copy()) return;
    const [carried, fresh, tricky] = [imei(), imei(), imei()];
    await activeDeviceCarrying(carried);
    const copyInTransaction = (rows: StagedIdentifier[], after?: (tx: EntityManager) => Promise<unknown>) =>
      backend()
        .em()
        .transactional(async (tx) => {
          const copied = await store.copyNewImeis(tx, rows, now);
          return { copied, after: await after?.(tx) };
        });
    const first = await copyInTransaction([
      staged(carried, 1, 'a'),
      staged(fresh, 2),
      { ...staged(tricky, 3, 'tab\there \\N'), model: 'line\nbreak' },
    ]);
    expect(first.copied).toBe(true);
    expect(await storedIdentifiers([carried, fresh, tricky])).toEqual(
      [
        { identifier: carried, details: 'a', enrollment_state: 'enrolled' },
        { identifier: fresh, details: null, enrollment_state: 'notContacted' },
        { identifier: tricky, details: 'tab\there \\N', enrollment_state: 'notContacted' },
      ].sort((a, b) => a.identifier.localeCompare(b.identifier)),
    );

    // A stored IMEI after a new one: nothing is written, and the transaction goes on (the merge runs).
    const [later, repeated] = [imei(), imei()];
    const refused = await copyInTransaction([staged(later, 1), staged(fresh, 2, 'b')], async (tx) => {
      await store.stageCorporateIdentifiers(tx, [staged(later, 1), staged(fresh, 2, 'b')], true);
      return store.mergeStagedCorporateIdentifiers(tx, CorporateIdentifierType.IMEI, false, now, true);
    });
    expect(refused).toEqual({
      copied: false,
      after: [{ rowNumber: 2, outcome: ImportRowOutcome.CONFLICTING }],
    });
    expect(await storedIdentifiers([later, fresh])).toEqual(
      [
        { identifier: later, details: null, enrollment_state: 'notContacted' },
        { identifier: fresh, details: null, enrollment_state: 'notContacted' },
      ].sort((a, b) => a.identifier.localeCompare(b.identifier)),
    );

    const twice = await copyInTransaction([staged(repeated, 1), staged(repeated, 2)]);
    expect(twice.copied).toBe(false);
    expect(await storedIdentifiers([repeated])).toEqual([]);
  });

  it('deletes and upserts DEP serials by op_date: newer wins, an equal replay writes nothing, new ones get the default DEP profile', async () => {
    const em = backend().em();
    const profile = randomUUID();
    await backend()
      .sql()
      .run(
        `insert into apple_enrollment_profile (id, display_name, kind, is_default, created_date_time) values (?, 'default DEP', 'DEP', true, ?)`,
        [profile, now],
      );
    const [a, b] = [serial(), serial()];
    const t1 = new Date('2026-12-01T00:00:00.000Z');
    const t2 = new Date('2026-12-02T00:00:00.000Z');
    const upsert = (serialNumber: string, opDate: Date | null, model: string) => ({
      serialNumber,
      model,
      description: null,
      profileStatus: 'empty',
      opDate,
      profileUuid: null,
      deviceAssignedBy: 'admin@example.com',
    });
    const before = await store.depDeviceCount(em);
    expect(await store.upsertDepDevices(em, [upsert(a, t2, 'iPad'), upsert(b, t1, 'iPhone')], now)).toEqual(
      expect.arrayContaining([
        { key: a, inserted: true },
        { key: b, inserted: true },
      ]),
    );
    expect(await store.depDeviceCount(em)).toBe(before + 2);
    const [stored] = await backend()
      .sql()
      .rows<{ profile_id: string }>('select profile_id from apple_device where serial_number = ?', [a]);
    expect(stored!.profile_id).toBe(profile);

    // Older than stored: left alone; equal: left alone; newer and different: updated.
    expect(
      await store.upsertDepDevices(em, [upsert(a, t1, 'changed'), upsert(b, t1, 'iPhone')], now),
    ).toEqual([]);
    expect(await store.upsertDepDevices(em, [upsert(b, t2, 'iPhone 2')], now)).toEqual([
      { key: b, inserted: false },
    ]);

    // A deletion older than the stored record is refused; a newer one removes it.
    expect(await store.deleteDepDevices(em, [{ serialNumber: a, opDate: t1 }])).toEqual([]);
    expect(await store.deleteDepDevices(em, [{ serialNumber: a, opDate: now }])).toEqual([a]);
    expect(await store.deleteDepDevices(em, [{ serialNumber: serial(), opDate: null }])).toEqual([]);
    expect(await store.depDeviceCount(em)).toBe(before + 1);
    expect(await store.deleteDepDevices(em, [])).toEqual([]);
    expect(await store.upsertDepDevices(em, [], now)).toEqual([]);
  });

  it('reads, inserts, updates and assigns a profile to Configurator serials', async () => {
    const em = backend().em();
    const profile = randomUUID();
    await backend()
      .sql()
      .run(
        `insert into apple_enrollment_profile (id, display_name, kind, created_date_time) values (?, 'usb', 'USB_SA', ?)`,
        [profile, now],
      );
    const [a, b, absent] = [serial(), serial(), serial()];
    await store.insertConfiguratorSerials(
      em,
      [
        { serialNumber: a, details: 'cart 1' },
        { serialNumber: b, details: null },
      ],
      null,
      now,
    );
    // A serial stored meanwhile is skipped, not an error.
    await store.insertConfiguratorSerials(em, [{ serialNumber: a, details: 'other' }], null, now);
    expect(await store.configuratorDetails(em, [a, b, absent])).toEqual(
      new Map([
        [a, 'cart 1'],
        [b, null],
      ]),
    );
    await store.updateConfiguratorDetails(em, [{ serialNumber: b, details: 'cart 2' }], now);
    await store.assignConfiguratorProfile(em, [a, b], profile);
    expect(
      await backend()
        .sql()
        .rows<{ serial_number: string; description: string; profile_id: string }>(
          `select serial_number, description, profile_id from apple_device where source = 'CONFIGURATOR' and serial_number = any(?::text[]) order by serial_number`,
          [[a, b]],
        ),
    ).toEqual(
      [
        { serial_number: a, description: 'cart 1', profile_id: profile },
        { serial_number: b, description: 'cart 2', profile_id: profile },
      ].sort((x, y) => x.serial_number.localeCompare(y.serial_number)),
    );
    expect(await store.configuratorDetails(em, [])).toEqual(new Map());
  });

  it('reads and upserts Autopilot registrations by byte-exact serial number', async () => {
    const em = backend().em();
    const a = serial();
    const registration = {
      serialNumber: a,
      windowsProductId: null,
      hardwareHash: 'aGFzaA==',
      groupTag: 'lab',
      assignedUser: null,
    };
    await store.upsertAutopilotRegistrations(em, [registration], now);
    expect(await store.autopilotRegistrations(em, [a, a.toLowerCase()])).toEqual([registration]);
    await store.upsertAutopilotRegistrations(em, [{ ...registration, groupTag: 'office' }], now);
    expect(await store.autopilotRegistrations(em, [a])).toEqual([{ ...registration, groupTag: 'office' }]);
    expect(await store.autopilotRegistrations(em, [])).toEqual([]);
  });

  it("upserts a connector's EAS partnerships, writing only what changed", async () => {
    const em = backend().em();
    const connector = randomUUID();
    await backend()
      .sql()
      .run(
        `insert into exchange_connector (id, server_name, exchange_connector_type) values (?, 'mail.example.com', 'onPremises')`,
        [connector],
      );
    const partnership = {
      easDeviceId: `EAS${counter++}`,
      userPrincipalName: 'ada@example.com',
      deviceType: 'iPhone',
      operatingSystem: 'iOS 18',
      lastSyncDateTime: now,
    };
    expect(await store.upsertEasPartnerships(em, connector, [partnership])).toEqual([
      { key: partnership.easDeviceId, inserted: true },
    ]);
    expect(await store.upsertEasPartnerships(em, connector, [partnership])).toEqual([]);
    expect(
      await store.upsertEasPartnerships(em, connector, [{ ...partnership, operatingSystem: 'iOS 19' }]),
    ).toEqual([{ key: partnership.easDeviceId, inserted: false }]);
    expect(await store.upsertEasPartnerships(em, connector, [])).toEqual([]);
  });

  it('upserts Graph managedDevices by Graph id (bigint byte counts exact) and lists them', async () => {
    const graphId = randomUUID();
    const device = {
      graphId,
      deviceName: 'laptop',
      userPrincipalName: 'ada@example.com',
      operatingSystem: 'Windows',
      osVersion: '10.0.22631',
      serialNumber: serial(),
      imei: null,
      ownerType: 'company',
      managementAgent: 'mdm',
      enrollmentType: 'windowsAzureADJoin',
      complianceState: 'compliant',
      enumOriginals: { complianceState: 'Compliant' },
      enrolledTicks: '638000000000000000',
      enrolledOffsetMinutes: 60,
      lastSyncTicks: null,
      lastSyncOffsetMinutes: null,
      totalStorage: '9007199254740993',
      freeStorage: '1',
      physicalMemory: null,
    };
    expect(await store.upsertGraphDevices(backend().em(), [device], now)).toEqual([
      { key: graphId, inserted: true },
    ]);
    expect(await store.upsertGraphDevices(backend().em(), [device], now)).toEqual([]);
    expect(await store.upsertGraphDevices(backend().em(), [{ ...device, freeStorage: '2' }], now)).toEqual([
      { key: graphId, inserted: false },
    ]);
    const listed = (await store.graphImportedDevices(backend().em())).find((d) => d.graphId === graphId);
    expect(listed).toMatchObject({ graphId, deviceName: 'laptop' });
    const [bytes] = await backend()
      .sql()
      .rows<{ total: string; free: string }>(
        'select total_storage_space_in_bytes::text as total, free_storage_space_in_bytes::text as free from graph_imported_device where graph_id = ?',
        [graphId],
      );
    expect(bytes).toEqual({ total: '9007199254740993', free: '2' });
    expect(await store.upsertGraphDevices(backend().em(), [], now)).toEqual([]);
  });

  it('lists corporate identifiers newest first (or those equal to one identifier) and deletes them by id', async () => {
    const [older, newer] = [imei(), imei()];
    for (const [identifier, created] of [
      [older, new Date('2026-01-01T00:00:00Z')],
      [newer, new Date('2026-02-01T00:00:00Z')],
    ] as const)
      await backend()
        .em()
        .transactional(async (tx) => {
          await store.stageCorporateIdentifiers(tx, [staged(identifier, 1)], false);
          await store.mergeStagedCorporateIdentifiers(tx, CorporateIdentifierType.IMEI, false, created);
        });
    const em = backend().em();
    const all = (await store.corporateIdentifiers(em, null)).map((c) => c.identifier);
    expect(all.indexOf(newer)).toBeLessThan(all.indexOf(older));
    const [one] = await store.corporateIdentifiers(em, older);
    expect(one).toMatchObject({ identifier: older, createdDateTime: new Date('2026-01-01T00:00:00Z') });
    expect(await store.deleteCorporateIdentifiers(em, [one!.id, randomUUID()])).toBe(1);
    expect(await store.corporateIdentifiers(backend().em(), older)).toEqual([]);
  });

  it('lists the latest import records, newest first', async () => {
    const sql = backend().sql();
    const ids = [randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries())
      await sql.run(
        `insert into import_record (id, kind, file_name, completed_date_time, row_count) values (?, 'CORPORATE_IDENTIFIERS', ?, ?, 1)`,
        [id, `file ${i}.csv`, new Date(Date.UTC(2030, 0, 1 + i))],
      );
    const recent = await store.recentImports(backend().em());
    expect(recent.slice(0, 2).map((r) => r.id)).toEqual([ids[1], ids[0]]);
  });
});
