import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrollDeviceDocument, ManagedDeviceDocument } from '@mdm/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { byodInput } from './support/builders.js';
import { startTestGateway } from './support/test-gateway.js';

describe('the embedded database (PGlite, no DATABASE_URL)', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps enrolled devices across a restart of the gateway', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mdm-embedded-'));
    const first = await startTestGateway({ embeddedDataDir: dataDir });
    expect(first.database.embedded).toBe(true);
    const input = byodInput({ platform: 'ANDROID' });
    const { enrollDevice } = await first.query(EnrollDeviceDocument, { input });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    await first.stop();

    const second = await startTestGateway({ embeddedDataDir: dataDir });
    try {
      const { managedDevice } = await second.query(ManagedDeviceDocument, { id: enrollDevice.device.id });
      expect(managedDevice).toMatchObject({
        serialNumber: input.serialNumber,
        userPrincipalName: input.userPrincipalName,
      });
      const migrations = await second.sql<{ name: string }>('select name from mikro_orm_migrations');
      expect(migrations.length).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });
});
