import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { DepOnboardingSetting } from '../apple-enrollment/dep-onboarding-setting.entity.js';
import { AppleEnrollmentProfile, AppleProfileKind } from '../apple-enrollment/enrollment-profile.entity.js';
import type {
  CorporateIdentifier,
  CorporateIdentifierType,
} from '../corporate-identifier/corporate-identifier.entity.js';
import { PrerequisiteMissingError } from '../enrollment/enrollment.errors.js';
import { ExchangeConnector } from '../exchange/exchange.entity.js';
import type { GraphImportedDevice } from './graph-imported-device.entity.js';
import { ImportRejectedError } from './imports.errors.js';
import { importFileSchema, type ImportFileCommand } from './imports.input.js';
import type { ImportsStore } from './imports.store.js';
import { ImportRowOutcome, type ImportRowResult } from './imports.types.js';
import { ImportKind, ImportRecord } from './import-record.entity.js';
import {
  parseAbmDevicesPage,
  parseAutopilotDevices,
  parseConfiguratorSerials,
  parseCorporateIdentifiers,
  parseGraphManagedDevices,
  type ImportResult,
  type ImportRowError,
  type ImportRowNotice,
} from './parsers/index.js';
import { writeAbmDevices, writeConfiguratorSerials } from './writers/apple.writer.js';
import { writeAutopilotDevices } from './writers/autopilot.writer.js';
import { writeCorporateIdentifiers } from './writers/corporate-identifier.writer.js';
import { parseEasPartnerships, writeEasDevices } from './writers/eas.writer.js';
import { writeGraphManagedDevices } from './writers/graph.writer.js';

/** What a writer reports: each row's outcome, and records removed (ABM `deleted`). */
export interface WriteOutcome {
  rows: ImportRowResult[];
  deletedCount?: number;
}

/** The complete answer of a successful import. */
export interface ImportOutcome {
  importRecord: ImportRecord;
  rows: ImportRowResult[];
  rowErrors: readonly ImportRowError[];
  notices: readonly ImportRowNotice[];
}

/**
 * Imports of pre-registration files. Every import: validates the whole file with the
 * format's parser (parsers/); rejects it on a file error, and on any bad row unless `partial`;
 * writes set-based in ONE transaction together with its ImportRecord; then publishes one
 * `import.completed` event after commit.
 */
export class ImportService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly store: ImportsStore,
    /** Stage bulk rows with COPY; false on the embedded PGlite, whose socket server has no COPY sub-protocol. */
    private readonly stageWithCopy = true,
  ) {}

  /** Intune corporate identifiers (CSV, no header; IMEI, SERIAL or WINDOWS). */
  importCorporateIdentifiers(
    em: EntityManager,
    identifierType: CorporateIdentifierType,
    file: unknown,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.CORPORATE_IDENTIFIERS,
      file,
      importedBy,
      (content) => parseCorporateIdentifiers(content, identifierType),
      (tx, rows, command, now) =>
        writeCorporateIdentifiers(
          tx,
          identifierType,
          rows,
          command.overwrite,
          now,
          this.stageWithCopy,
          this.store,
        ),
    );
  }

  /**
   * Apple Business Manager fetch or sync page (JSON); per serial the latest `op_date` wins. With
   * `depOnboardingSettingId`, the page is a sync of that DEP token: refused when the token has
   * expired, and the token's last sync time and synced device count are updated.
   * @throws NotFoundError for the token; PrerequisiteMissingError when it has expired
   */
  importAbmDevices(
    em: EntityManager,
    file: unknown,
    depOnboardingSettingId: string | null = null,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.ABM_DEVICES,
      file,
      importedBy,
      parseAbmDevicesPage,
      async (tx, rows, _command, now) => {
        let token: DepOnboardingSetting | null = null;
        if (depOnboardingSettingId) {
          const id = validateInput(
            z.uuid({ error: 'must be a UUID' }),
            depOnboardingSettingId,
            'depOnboardingSettingId',
          );
          token = await tx.findOne(DepOnboardingSetting, id);
          if (!token) throw new NotFoundError('DepOnboardingSetting', id);
          if (token.tokenExpirationDateTime.getTime() <= now.getTime()) {
            throw new PrerequisiteMissingError(
              `the DEP token of ${token.appleIdentifier} expired at ${token.tokenExpirationDateTime.toISOString()}; renew it in Apple Business Manager`,
            );
          }
        }
        const outcome = await writeAbmDevices(tx, rows, now, this.store);
        if (token) {
          token.lastSyncDateTime = now;
          token.syncedDeviceCount = await this.store.depDeviceCount(tx);
        }
        return outcome;
      },
    );
  }

  /**
   * Apple Configurator serial list (CSV `serial,details`), optionally assigning a USB-SA profile to every row.
   * @throws NotFoundError / InputValidationError for the profile
   */
  importConfiguratorSerials(
    em: EntityManager,
    file: unknown,
    profileId: string | null,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.CONFIGURATOR_SERIALS,
      file,
      importedBy,
      parseConfiguratorSerials,
      async (tx, rows, command, now) => {
        let profile: AppleEnrollmentProfile | null = null;
        if (profileId) {
          const id = validateInput(z.uuid({ error: 'must be a UUID' }), profileId, 'profileId');
          profile = await tx.findOne(AppleEnrollmentProfile, id);
          if (!profile) throw new NotFoundError('AppleEnrollmentProfile', id);
          if (profile.kind !== AppleProfileKind.USB_SA) {
            throw new InputValidationError([
              {
                field: 'profileId',
                rule: 'usbSaProfile',
                message: 'Configurator serial lists take a USB-SA profile',
              },
            ]);
          }
        }
        return writeConfiguratorSerials(tx, rows, command.overwrite, profile?.id ?? null, now, this.store);
      },
    );
  }

  /** Windows Autopilot CSV (exact header, at most 500 rows). */
  importAutopilotDevices(
    em: EntityManager,
    file: unknown,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.AUTOPILOT_DEVICES,
      file,
      importedBy,
      parseAutopilotDevices,
      (tx, rows, command, now) => writeAutopilotDevices(tx, rows, command.overwrite, now, this.store),
    );
  }

  /**
   * Device partnerships an Exchange connector reports (JSON array), stored as EAS-managed devices.
   * @throws NotFoundError for the connector
   */
  importEasDevices(
    em: EntityManager,
    connectorId: string,
    file: unknown,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.EAS_DEVICES,
      file,
      importedBy,
      parseEasPartnerships,
      async (tx, rows, _command, now) => {
        const id = validateInput(z.uuid({ error: 'must be a UUID' }), connectorId, 'connectorId');
        const connector = await tx.findOne(ExchangeConnector, id);
        if (!connector) throw new NotFoundError('ExchangeConnector', id);
        connector.lastSyncDateTime = now;
        return writeEasDevices(tx, connector.id, rows, this.store);
      },
    );
  }

  /** A Microsoft Graph `managedDevice` list export (JSON `{ value: [...] }`). */
  importGraphManagedDevices(
    em: EntityManager,
    file: unknown,
    importedBy: string | null = null,
  ): Promise<ImportOutcome> {
    return this.run(
      em,
      ImportKind.GRAPH_MANAGED_DEVICES,
      file,
      importedBy,
      parseGraphManagedDevices,
      (tx, rows, _command, now) => writeGraphManagedDevices(tx, rows, now, this.store),
    );
  }

  /**
   * Deletes corporate identifiers. Ownership of already enrolled devices is NOT changed (Intune:
   * ownership is decided at enrollment time only).
   * @returns how many were deleted
   */
  async deleteCorporateIdentifiers(em: EntityManager, ids: string[]): Promise<number> {
    const valid = validateInput(
      z
        .array(z.uuid({ error: 'must be a UUID' }))
        .min(1)
        .max(5000),
      ids,
      'ids',
    );
    return this.store.deleteCorporateIdentifiers(em, valid);
  }

  /** Corporate identifiers, optionally only those equal to `identifier` (newest first, at most 5,000). */
  corporateIdentifiers(em: EntityManager, identifier: string | null): Promise<CorporateIdentifier[]> {
    return this.store.corporateIdentifiers(em, identifier);
  }

  /** Graph-imported devices by Graph id, at most 5,000. */
  graphImportedDevices(em: EntityManager): Promise<GraphImportedDevice[]> {
    return this.store.graphImportedDevices(em);
  }

  /** The latest 100 imports, newest first. */
  recent(em: EntityManager): Promise<ImportRecord[]> {
    return this.store.recentImports(em);
  }

  /**
   * The common flow: validate, parse, decide, write + record in one transaction, publish.
   * @param importedBy who imported, as the import record keeps it (the caller's UPN or token name)
   */
  private async run<Row>(
    em: EntityManager,
    kind: ImportKind,
    file: unknown,
    importedBy: string | null,
    parse: (content: string) => ImportResult<Row>,
    write: (tx: EntityManager, rows: Row[], command: ImportFileCommand, now: Date) => Promise<WriteOutcome>,
  ): Promise<ImportOutcome> {
    const command = validateInput(importFileSchema, file, 'file');
    const parsed = parse(command.content);
    if (parsed.kind === 'rejected') throw new ImportRejectedError(parsed.error, []);
    if (parsed.errors.length > 0 && !command.partial) throw new ImportRejectedError(null, parsed.errors);
    const now = this.clock.now();
    const outcome = await em.transactional(async (tx) => {
      const written = await write(tx, parsed.rows, command, now);
      const count = (o: ImportRowOutcome) => written.rows.filter((r) => r.outcome === o).length;
      const importRecord = Object.assign(new ImportRecord(), {
        id: randomUUID(),
        kind,
        fileName: command.fileName,
        importedBy,
        completedDateTime: now,
        partial: command.partial,
        rowCount: written.rows.length,
        newCount: count(ImportRowOutcome.NEW),
        unchangedCount: count(ImportRowOutcome.UNCHANGED),
        overwrittenCount: count(ImportRowOutcome.OVERWRITTEN),
        conflictingCount: count(ImportRowOutcome.CONFLICTING),
        deletedCount: written.deletedCount ?? count(ImportRowOutcome.DELETED),
        rejectedRowCount: new Set(parsed.errors.map((e) => e.rowNumber)).size,
      });
      tx.persist(importRecord);
      return {
        importRecord,
        rows: written.rows.sort((a, b) => a.rowNumber - b.rowNumber),
        rowErrors: parsed.errors,
        notices: parsed.notices,
      };
    });
    const r = outcome.importRecord;
    this.events.publishCommitted([
      {
        topic: Topic.ImportCompleted,
        payload: {
          importId: r.id,
          kind: r.kind,
          fileName: r.fileName,
          rowCount: r.rowCount,
          newCount: r.newCount,
          unchangedCount: r.unchangedCount,
          overwrittenCount: r.overwrittenCount,
          conflictingCount: r.conflictingCount,
          deletedCount: r.deletedCount,
          rejectedRowCount: r.rejectedRowCount,
          completedAt: now.toISOString(),
        },
      },
    ]);
    return outcome;
  }
}
