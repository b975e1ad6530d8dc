import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { poolQuery } from '../../shared/pool-query.js';
import { ReadModel } from '../../shared/read-model.js';
import { MdmCertificate } from './mdm-certificate.entity.js';

/** Column alias of the device id in the batched statement (the relation is not a scalar of the read model). */
const DEVICE_ID = 'c_device_id';

/**
 * Every MDM certificate of each device a request asks about, newest first, read for all the
 * devices of one turn of the event loop in one statement (a page of 100 devices with their
 * certificates costs one statement more, not 100). One loader per request (`for`), so a
 * request sees its own reads and nothing outlives it; certificates are read-only instances
 * (ReadModel), never passed to an EntityManager.
 */
export class DeviceCertificatesLoader {
  private readonly perRequest = new WeakMap<object, DataLoader<string, MdmCertificate[]>>();
  private model?: ReadModel<MdmCertificate>;

  /**
   * The loader of the request whose context is `request`.
   * @param em the request's EntityManager: only its connection pool is used
   */
  for(request: object, em: EntityManager): DataLoader<string, MdmCertificate[]> {
    let loader = this.perRequest.get(request);
    if (!loader) {
      loader = new DataLoader((ids) => this.read(em, ids), { maxBatchSize: 1000 });
      this.perRequest.set(request, loader);
    }
    return loader;
  }

  private async read(em: EntityManager, ids: readonly string[]): Promise<MdmCertificate[][]> {
    const model = (this.model ??= ReadModel.of(em, MdmCertificate, 'c'));
    const rows = await poolQuery<Record<string, unknown>>(
      em,
      `select ${model.selectList}, "c"."device_id" as "${DEVICE_ID}" from "mdm_certificate" as "c" ` +
        `where "c"."device_id" = any($1::uuid[]) order by "c"."issued_date_time" desc, "c"."id" desc`,
      [ids],
    );
    const byDevice = new Map<string, MdmCertificate[]>();
    for (const row of rows) {
      const deviceId = row[DEVICE_ID] as string;
      let list = byDevice.get(deviceId);
      if (!list) byDevice.set(deviceId, (list = []));
      list.push(model.from(row));
    }
    return ids.map((id) => byDevice.get(id) ?? []);
  }
}
