import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { userPrincipalNameSchema } from '../../user/user-principal-name.js';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome } from '../imports.types.js';
import {
  decodeImportText,
  FIVE_MB,
  rejected,
  type ImportResult,
  type ImportRowError,
} from '../parsers/index.js';
import { ImportsStore } from '../imports.store.js';

/** One device partnership an Exchange connector reports. */
export interface EasPartnershipRow {
  rowNumber: number;
  easDeviceId: string;
  userPrincipalName: string;
  deviceType: string | null;
  operatingSystem: string | null;
  lastSyncDateTime: Date | null;
}

/** At most 5,000 partnerships per file (the project's CSV bound, applied to this JSON list too). */
export const EAS_MAX_ROWS = 5_000;

const partnership = z.object({
  easDeviceId: z.string().trim().min(1).max(128),
  userPrincipalName: userPrincipalNameSchema,
  deviceType: z.string().trim().max(128).nullish(),
  operatingSystem: z.string().trim().max(128).nullish(),
  lastSyncDateTime: z.iso.datetime({ offset: true }).nullish(),
});

/**
 * Parses the partnership list an Exchange connector reports: a JSON array of
 * `{ easDeviceId, userPrincipalName, deviceType?, operatingSystem?, lastSyncDateTime? }`
 * (Exchange `Get-MobileDevice` fields, named as Graph names them). Same encoding and size rules
 * as the other imports; each bad element is a row error naming its key; a repeated easDeviceId
 * is a DUPLICATE_CONFLICT.
 */
export function parseEasPartnerships(input: string): ImportResult<EasPartnershipRow> {
  const decoded = decodeImportText(input, { maxBytes: FIVE_MB });
  if (!decoded.ok) return rejected(decoded.error);
  let json: unknown;
  try {
    json = JSON.parse(decoded.text);
  } catch (error) {
    return rejected({ code: 'MALFORMED_JSON', message: (error as Error).message });
  }
  if (!Array.isArray(json))
    return rejected({ code: 'INVALID_DOCUMENT', message: 'expected a JSON array of device partnerships' });
  if (json.length === 0) return rejected({ code: 'EMPTY_FILE', message: 'no device partnership' });
  if (json.length > EAS_MAX_ROWS)
    return rejected({
      code: 'TOO_MANY_ROWS',
      message: `at most ${EAS_MAX_ROWS} partnerships`,
      limit: EAS_MAX_ROWS,
      actual: json.length,
    });
  const rows: EasPartnershipRow[] = [];
  const errors: ImportRowError[] = [];
  const seen = new Set<string>();
  json.forEach((element, i) => {
    const parsed = partnership.safeParse(element);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          rowNumber: i + 1,
          column: issue.path.length ? String(issue.path[0]) : null,
          rule: issue.code === 'invalid_type' && issue.input === undefined ? 'REQUIRED' : 'INVALID_VALUE',
          message: issue.message,
        });
      }
      return;
    }
    const d = parsed.data;
    if (seen.has(d.easDeviceId)) {
      errors.push({
        rowNumber: i + 1,
        column: 'easDeviceId',
        rule: 'DUPLICATE_CONFLICT',
        message: `easDeviceId ${d.easDeviceId} appears more than once`,
      });
      return;
    }
    seen.add(d.easDeviceId);
    rows.push({
      rowNumber: i + 1,
      easDeviceId: d.easDeviceId,
      userPrincipalName: d.userPrincipalName.toLowerCase(),
      deviceType: d.deviceType ?? null,
      operatingSystem: d.operatingSystem ?? null,
      lastSyncDateTime: d.lastSyncDateTime ? new Date(d.lastSyncDateTime) : null,
    });
  });
  return { kind: 'parsed', rows, errors, notices: [] };
}

/**
 * Upserts the connector's partnerships set-based (a partnership is the connector's current
 * report, so changes are applied: OVERWRITTEN). The access state set by admins is kept.
 */
export async function writeEasDevices(
  tx: EntityManager,
  connectorId: string,
  rows: EasPartnershipRow[],
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  const written = await store.upsertEasPartnerships(
    tx,
    connectorId,
    rows.map((r) => ({
      easDeviceId: r.easDeviceId,
      userPrincipalName: r.userPrincipalName,
      deviceType: r.deviceType,
      operatingSystem: r.operatingSystem,
      lastSyncDateTime: r.lastSyncDateTime,
    })),
  );
  const outcome = new Map(
    written.map((w) => [w.key, w.inserted ? ImportRowOutcome.NEW : ImportRowOutcome.OVERWRITTEN]),
  );
  return {
    rows: rows.map((r) => ({
      rowNumber: r.rowNumber,
      key: r.easDeviceId,
      outcome: outcome.get(r.easDeviceId) ?? ImportRowOutcome.UNCHANGED,
    })),
  };
}
