import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { CertificateStore } from './certificate.store.js';
import type { MdmCertificate } from './mdm-certificate.entity.js';

/**
 * Every MDM certificate of each device a request asks about, newest first, read for all the
 * devices of one turn of the event loop in one statement (a page of 100 devices with their
 * certificates costs one statement more, not 100). One loader per request (`for`), so a
 * request sees its own reads and nothing outlives it; certificates are read-only instances
 * (EntityRows, CertificateStore.byDevices), never passed to an EntityManager.
 */
export class DeviceCertificatesLoader {
  private readonly perRequest = new WeakMap<object, DataLoader<string, MdmCertificate[]>>();

  constructor(private readonly store = new CertificateStore()) {}

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

  private read(em: EntityManager, ids: readonly string[]): Promise<MdmCertificate[][]> {
    return this.store.byDevices(em, ids);
  }
}
