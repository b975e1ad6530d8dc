import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';

/** The SQL of devices' protocol enrollments. Every method runs in the caller's entity manager. */
export class AppleMdmEnrollmentStore {
  /** The enrollment of this UDID or EnrollmentID, locked when `lock` (a check-in that writes it). */
  byIdentifier(em: EntityManager, identifier: string, lock = false): Promise<AppleMdmEnrollment | null> {
    return em.findOne(
      AppleMdmEnrollment,
      { identifier },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
  }

  byDevice(em: EntityManager, deviceId: string): Promise<AppleMdmEnrollment | null> {
    return em.findOne(AppleMdmEnrollment, { deviceId });
  }

  /** Enrollments of many devices at once (GraphQL field loads). */
  byDevices(em: EntityManager, deviceIds: readonly string[]): Promise<AppleMdmEnrollment[]> {
    return em.find(AppleMdmEnrollment, { deviceId: { $in: [...deviceIds] } });
  }

  /**
   * Binds `identifier` to `deviceId` (Authenticate): the row of that identifier or of that device is
   * reused, so re-enrolled hardware keeps one row.
   */
  async bind(
    tx: EntityManager,
    fields: Pick<
      AppleMdmEnrollment,
      'deviceId' | 'channel' | 'identifier' | 'topic' | 'authenticatedDateTime'
    >,
  ): Promise<AppleMdmEnrollment> {
    const byIdentifier = await this.byIdentifier(tx, fields.identifier, true);
    const byDevice =
      byIdentifier?.deviceId === fields.deviceId ? null : await this.byDevice(tx, fields.deviceId);
    if (byIdentifier && byDevice) tx.remove(byDevice);
    const row = byIdentifier ?? byDevice ?? tx.create(AppleMdmEnrollment, fields);
    tx.assign(row, {
      ...fields,
      checkedOutDateTime: null,
      lastTokenUpdateDateTime: null,
      awaitingConfiguration: false,
    });
    return row;
  }
}
