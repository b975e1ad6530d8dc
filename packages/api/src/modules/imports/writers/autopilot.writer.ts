import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import { ImportsStore } from '../imports.store.js';
import type { AutopilotDeviceRow } from '../parsers/index.js';
import { classify } from '../set-based.js';

/**
 * Writes Autopilot registrations set-based, keyed by the byte-exact serial number; product id,
 * hash, group tag and assigned user compared (CONFLICTING unless `overwrite`).
 */
export async function writeAutopilotDevices(
  tx: EntityManager,
  rows: AutopilotDeviceRow[],
  overwrite: boolean,
  now: Date,
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  const input = rows.map((r) => ({
    ...r,
    key: r.serialNumber,
    values: [r.windowsProductId, r.hardwareHash, r.groupTag, r.assignedUser],
  }));
  const stored = await store.autopilotRegistrations(
    tx,
    input.map((r) => r.key),
  );
  const { results, fresh, changed } = classify(
    input,
    new Map(
      stored.map((s) => [s.serialNumber, [s.windowsProductId, s.hardwareHash, s.groupTag, s.assignedUser]]),
    ),
    overwrite,
  );
  await store.upsertAutopilotRegistrations(
    tx,
    [...fresh, ...changed].map((r) => ({
      serialNumber: r.serialNumber,
      windowsProductId: r.windowsProductId,
      hardwareHash: r.hardwareHash,
      groupTag: r.groupTag,
      assignedUser: r.assignedUser,
    })),
    now,
  );
  return { rows: results };
}
