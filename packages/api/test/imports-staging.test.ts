import { CorporateIdentifiersDocument, ImportCorporateIdentifiersDocument } from '@mdm/schema';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorporateIdentifierType } from '../src/modules/corporate-identifier/corporate-identifier.entity.js';
import { writeCorporateIdentifiers } from '../src/modules/imports/writers/corporate-identifier.writer.js';
import { uniqueImei, uniqueSerial } from './support/builders.js';
import { startTestGateway, useTestGateway } from './support/kit.js';

describe('corporate identifiers staged with COPY (set-based bulk registration)', () => {
  const gateway = useTestGateway();

  it('keeps details with tabs, backslashes, quotes and line breaks exactly, and finds them unchanged on a second import', async () => {
    const serials = [uniqueSerial(), uniqueSerial(), uniqueSerial()];
    const details = ['tab\there', 'back\\slash \\N and \\t', 'line\nbreak, "quoted"'];
    const content = serials.map((s, i) => `${s},"${details[i]!.replace(/"/g, '""')}"`).join('\r\n');
    const file = { fileName: 'escapes.csv', content };
    const { importCorporateIdentifiers: first } = await gateway.query(ImportCorporateIdentifiersDocument, {
      identifierType: 'SERIAL',
      file,
    });
    expect(first.__typename === 'ImportSuccess' && first.rows.map((r) => r.outcome)).toEqual([
      'NEW',
      'NEW',
      'NEW',
    ]);
    for (const [i, serial] of serials.entries()) {
      const { corporateIdentifiers } = await gateway.query(CorporateIdentifiersDocument, {
        identifier: serial,
      });
      expect(corporateIdentifiers).toMatchObject([{ identifier: serial, details: details[i] }]);
    }
    const { importCorporateIdentifiers: again } = await gateway.query(ImportCorporateIdentifiersDocument, {
      identifierType: 'SERIAL',
      file,
    });
    expect(again.__typename === 'ImportSuccess' && again.rows.map((r) => r.outcome)).toEqual([
      'UNCHANGED',
      'UNCHANGED',
      'UNCHANGED',
    ]);
  });

  it('reports every row of a 20,000-row batch exactly: new, unchanged, conflicting, and overwritten only when asked', async () => {
    const identifiers = Array.from({ length: 20_000 }, () => uniqueImei());
    const rows = (detail: (i: number) => string | undefined) =>
      identifiers.map((identifier, i) => ({
        rowNumber: i + 1,
        identifierType: CorporateIdentifierType.IMEI,
        identifier,
        ...(detail(i) === undefined ? {} : { details: detail(i) }),
      }));
    const write = (batch: ReturnType<typeof rows>, overwrite: boolean) =>
      gateway.database.orm.em
        .fork()
        .transactional((tx) =>
          writeCorporateIdentifiers(
            tx,
            CorporateIdentifierType.IMEI,
            batch,
            overwrite,
            new Date(),
            !gateway.database.embedded,
          ),
        );
    const half = (i: number) => (i % 2 === 0 ? `pool ${i}` : undefined);

    const first = await write(rows(half), false);
    expect(first.rows.every((r) => r.outcome === 'NEW')).toBe(true);
    expect(first.rows.map((r) => r.rowNumber)).toEqual(identifiers.map((_, i) => i + 1));
    expect(first.rows.map((r) => r.key)).toEqual(identifiers);

    // Every third row changes its details (null -> text or text -> other text).
    const changed = (i: number) => (i % 3 === 0 ? `moved ${i}` : half(i));
    const refused = await write(rows(changed), false);
    expect(refused.rows.map((r) => r.outcome)).toEqual(
      identifiers.map((_, i) => (i % 3 === 0 ? 'CONFLICTING' : 'UNCHANGED')),
    );
    const stored = await gateway.sql<{ identifier: string; details: string | null }>(
      'select identifier, details from corporate_identifier where identifier in (?)',
      [identifiers.slice(0, 4)],
    );
    expect(new Map(stored.map((s) => [s.identifier, s.details]))).toEqual(
      new Map(identifiers.slice(0, 4).map((id, i) => [id, half(i) ?? null])),
    );

    const overwritten = await write(rows(changed), true);
    expect(overwritten.rows.map((r) => r.outcome)).toEqual(
      identifiers.map((_, i) => (i % 3 === 0 ? 'OVERWRITTEN' : 'UNCHANGED')),
    );
    const sample = await gateway.sql<{ identifier: string; details: string | null }>(
      'select identifier, details from corporate_identifier where identifier in (?)',
      [identifiers.slice(0, 6)],
    );
    expect(new Map(sample.map((s) => [s.identifier, s.details]))).toEqual(
      new Map(identifiers.slice(0, 6).map((id, i) => [id, changed(i) ?? null])),
    );
    const [{ n: moved }] = (await gateway.sql<{ n: number }>(
      `select count(*)::int as n from corporate_identifier where identifier in (?) and details like 'moved %'`,
      [identifiers],
    )) as [{ n: number }];
    expect(moved).toBe(Math.ceil(20_000 / 3));
  });
});

describe('corporate identifier imports on the embedded database (PGlite)', () => {
  it('stage their rows with one unnest() INSERT there (its socket server has no COPY sub-protocol)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-import-'));
    const gateway = await startTestGateway({ embeddedDataDir: dataDir });
    try {
      const imeis = [uniqueImei(), uniqueImei()];
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: { fileName: 'embedded.csv', content: imeis.map((imei) => `${imei},embedded`).join('\n') },
      });
      expect(r.__typename === 'ImportSuccess' && r.rows.map((row) => row.outcome)).toEqual(['NEW', 'NEW']);
      const { corporateIdentifiers } = await gateway.query(CorporateIdentifiersDocument, {
        identifier: imeis[0]!,
      });
      expect(corporateIdentifiers).toMatchObject([{ identifier: imeis[0], details: 'embedded' }]);
    } finally {
      await gateway.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
