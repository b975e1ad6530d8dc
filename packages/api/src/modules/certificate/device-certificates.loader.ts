import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { poolQuery } from '../../shared/pool-query.js';
import { ReadModel } from '../../shared/read-model.js';
import { MdmCertificate } from './mdm-certificate.entity.js';

/** Column alias of the device id in the batched statement (the relation is not a scalar of the read model). */
const DEVICE_ID = 'c_device_id';

/** The loaders of one request. */
interface RequestLoaders {
  byDevice: DataLoader<string, MdmCertificate[]>;
  pem: DataLoader<string, string | null>;
}

/**
 * Every MDM certificate of each device a request asks about, newest first, read for all the
 * devices of one turn of the event loop in one statement (a page of 100 devices with their
 * certificates costs one statement more, not 100). One set of loaders per request (`for`), so a
 * request sees its own reads and nothing outlives it; certificates are read-only instances
 * (ReadModel), never passed to an EntityManager.
 *
 * The PEM (about 0.8 kB a certificate, most of a row) is left out of that statement and read,
 * batched likewise, only when a query selects it (`pemOf`): a page that shows serial numbers and
 * expiry dates does not parse and discard 100 of them.
 */
export class DeviceCertificatesLoader {
  private readonly perRequest = new WeakMap<object, RequestLoaders>();
  private model?: ReadModel<MdmCertificate>;

  /**
   * The loaders of the request whose context is `request`.
   * @param em the request's EntityManager: only its connection pool is used
   */
  for(request: object, em: EntityManager): RequestLoaders {
    let loaders = this.perRequest.get(request);
    if (!loaders) {
      loaders = {
        byDevice: new DataLoader((ids) => this.read(em, ids), { maxBatchSize: 1000 }),
        pem: new DataLoader((ids) => this.readPems(em, ids), { maxBatchSize: 1000 }),
      };
      this.perRequest.set(request, loaders);
    }
    return loaders;
  }

  /** The PEM of `certificate`: its own when it has one (entities), else read with the request's others. */
  async pemOf(request: object, em: EntityManager, certificate: MdmCertificate): Promise<string> {
    if (certificate.pem !== undefined) return certificate.pem;
    const pem = await this.for(request, em).pem.load(certificate.id);
    if (pem === null) throw new Error(`certificate ${certificate.id} has no row`);
    return pem;
  }

  private async read(em: EntityManager, ids: readonly string[]): Promise<MdmCertificate[][]> {
    const model = (this.model ??= ReadModel.of(em, MdmCertificate, 'c', '', ['pem']));
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

  private async readPems(em: EntityManager, ids: readonly string[]): Promise<(string | null)[]> {
    const rows = await poolQuery<{ id: string; pem: string }>(
      em,
      'select "id", "pem" from "mdm_certificate" where "id" = any($1::uuid[])',
      [ids],
    );
    const pems = new Map(rows.map((r) => [r.id, r.pem]));
    return ids.map((id) => pems.get(id) ?? null);
  }
}
