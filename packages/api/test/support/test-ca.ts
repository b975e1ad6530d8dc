import { webcrypto } from 'node:crypto';
import { createCertificateAuthority } from '../../src/modules/certificate/index.js';

/**
 * A freshly created CA as the PEM pair an operator would supply (CA_CERT_PEM, CA_KEY_PEM), for
 * gateways that must not use the database's CA (production mode, the configured-CA path).
 */
export async function suppliedCaEnv(
  now = new Date('2026-01-01T00:00:00Z'),
): Promise<{ CA_CERT_PEM: string; CA_KEY_PEM: string }> {
  const ca = await createCertificateAuthority({ organization: 'Operator Supplied CA', now });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', ca.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { CA_CERT_PEM: ca.certificatePem, CA_KEY_PEM: keyPem };
}
