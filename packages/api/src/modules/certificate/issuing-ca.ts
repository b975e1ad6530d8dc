import { hkdfSync, randomBytes, webcrypto } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { CertificateConfig } from '../../config/config.js';
import type { Clock } from '../../shared/clock.js';
import { CertificateAuthorityError } from './certificate.errors.js';
import { CertificateStore } from './certificate.store.js';
import {
  createCertificateAuthority,
  exportCertificateAuthority,
  importCertificateAuthority,
  loadCaFromPem,
  type CertificateAuthority,
} from './index.js';

/** Where the issuing CA came from. */
export type IssuingCaSource = 'CONFIGURED' | 'GENERATED';

/** The CA this gateway issues with, and the key that device tokens (HMAC check-ins) derive from. */
export interface IssuingCa {
  ca: CertificateAuthority;
  source: IssuingCaSource;
  /**
   * 32 bytes derived (HKDF-SHA256) from the CA private key: only a holder of the CA key can mint
   * device tokens, every instance derives the same key, and nothing more needs configuring.
   */
  deviceTokenKey: Buffer;
}

const RECORD_ID = 'issuing';

/**
 * Loads the issuing CA: the one supplied through configuration, else the one stored in the
 * database, else creates and stores one. Several instances starting at once on an empty
 * database race on `insert ... on conflict do nothing` and all end up with the winner's CA.
 * Without CA_KEY_SECRET (refused in production by config.ts) a secret is generated and stored in
 * the database beside the sealed key, with a warning: convenient for development, no protection.
 * @throws CertificateAuthorityError for a bad supplied CA, or a stored CA the configured secret
 *   cannot apply to (`CA_KEY_SECRET_REQUIRED`, `CA_KEY_SECRET_NOT_USED`); SealedKeyError when
 *   CA_KEY_SECRET does not open the stored key (startup must fail loudly rather than issue from a
 *   different CA)
 */
export async function loadIssuingCa(
  em: EntityManager,
  config: CertificateConfig,
  clock: Clock,
  logger: Logger,
  store = new CertificateStore(),
): Promise<IssuingCa> {
  if (config.suppliedCa) {
    const ca = await loadCaFromPem(config.suppliedCa.certificatePem, config.suppliedCa.keyPem);
    logger.info({ subject: ca.certificate.subject }, 'issuing CA supplied by configuration');
    return { ca, source: 'CONFIGURED', deviceTokenKey: await deriveTokenKey(ca) };
  }
  let record = await store.authority(em, RECORD_ID);
  if (!record) {
    const secret = config.keySecret ?? randomBytes(32).toString('base64url');
    const created = await createCertificateAuthority({ organization: config.organization, now: clock.now() });
    const exported = await exportCertificateAuthority(created, secret);
    await store.insertAuthorityIfAbsent(em, {
      id: RECORD_ID,
      certificatePem: exported.certificatePem,
      sealedPrivateKey: exported.sealedPrivateKey,
      generatedKeySecret: config.keySecret ? null : secret,
      createdDateTime: clock.now(),
    });
    // Ours, or the one a concurrent start stored first.
    record = await store.authorityOrFail(em, RECORD_ID);
    logger.info({ subject: created.certificate.subject }, 'issuing CA created and stored');
  }
  const secret = config.keySecret ?? record.generatedKeySecret;
  if (!secret)
    throw new CertificateAuthorityError(
      'CA_KEY_SECRET_REQUIRED',
      'CA_KEY_SECRET is not set, and the stored CA was sealed with a configured secret: set CA_KEY_SECRET',
    );
  if (!config.keySecret) {
    logger.warn(
      'CA_KEY_SECRET is not set: the CA key is sealed with a generated secret stored in the database beside it (development only; set CA_KEY_SECRET in production)',
    );
  }
  let ca: CertificateAuthority;
  try {
    ca = await importCertificateAuthority(
      { certificatePem: record.certificatePem, sealedPrivateKey: record.sealedPrivateKey },
      secret,
    );
  } catch (error) {
    // The demo-to-production trap: this database's CA was created without CA_KEY_SECRET (sealed
    // with a generated secret stored beside it), and the CA_KEY_SECRET now set cannot unseal it.
    if (config.keySecret && record.generatedKeySecret) {
      throw new CertificateAuthorityError(
        'CA_KEY_SECRET_NOT_USED',
        'CA_KEY_SECRET is set, but the issuing CA stored in this database was created without it (sealed with a generated development secret): start production on a new database with CA_KEY_SECRET set from the first start, or unset CA_KEY_SECRET to keep using this development database (docs/certificates.md)',
        { cause: error },
      );
    }
    throw error;
  }
  return { ca, source: 'GENERATED', deviceTokenKey: await deriveTokenKey(ca) };
}

async function deriveTokenKey(ca: CertificateAuthority): Promise<Buffer> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', ca.privateKey));
  return Buffer.from(hkdfSync('sha256', pkcs8, 'mdm-device-token', 'v1', 32));
}
