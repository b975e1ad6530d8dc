import { EnrollmentCatalogDocument } from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { readSeedTables } from './support/seed.js';
import { useTestGateway } from './support/kit.js';

const platformOfSeedHeading: Record<string, string> = {
  iOS: 'IOS',
  macOS: 'MACOS',
  Windows: 'WINDOWS',
  Android: 'ANDROID',
};
const cell = (value: string) => value.toUpperCase();

describe('the enrollment-method catalog', () => {
  const gateway = useTestGateway();

  const seedRows = readSeedTables();

  it("holds the fourteen rows of Intune's tables: iOS 5, macOS 2, Windows 4, Android 3", () => {
    const counts = seedRows.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.platform]: (acc[r.platform] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ iOS: 5, macOS: 2, Windows: 4, Android: 3 });
  });

  it.each(seedRows)(
    'serves the seed row $platform $method with its reset, affinity and locked cells',
    async (row) => {
      const { enrollmentCatalog } = await gateway.query(EnrollmentCatalogDocument, {});
      const platform = enrollmentCatalog.find((p) => p.platform === platformOfSeedHeading[row.platform]);
      const method = platform?.methods.find((m) => m.displayName === row.method);
      expect(method, `${row.platform} ${row.method} missing`).toBeDefined();
      expect({
        reset: method!.resetRequired,
        affinity: method!.userAffinity,
        locked: method!.locked,
      }).toEqual({
        reset: cell(row.resetRequired),
        affinity: cell(row.userAffinity),
        locked: cell(row.locked),
      });
      expect(method!.description.length).toBeGreaterThan(20);
    },
  );

  it('serves no row that the seed does not have, in the seed order', async () => {
    const { enrollmentCatalog } = await gateway.query(EnrollmentCatalogDocument, {});
    const served = enrollmentCatalog.flatMap((p) => p.methods.map((m) => `${p.platform}/${m.displayName}`));
    expect(served).toEqual(seedRows.map((r) => `${platformOfSeedHeading[r.platform]}/${r.method}`));
  });
});
