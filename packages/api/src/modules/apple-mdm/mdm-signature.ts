import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { lookupDeviceCertificate } from '../certificate/certificate-cache.js';
import { isExpired } from '../certificate/certificate-status.js';
import type { CryptoKey } from '../certificate/x509-runtime.js';
import { MdmAuthenticationError } from './apple-mdm.errors.js';
import { verifyDetachedCms } from './detached-signature.js';

/** The identity certificate a request was signed with, checked against the gateway's CA. */
export interface MdmClientCertificate {
  /** Uppercase hex, as the certificate store keeps it. */
  serialNumber: string;
  /** SHA-256 over the DER, uppercase hex without colons. */
  sha256Thumbprint: string;
  commonName: string | undefined;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

/**
 * Where the device's identity certificate is read from.
 * - `Mdm-Signature` (Apple's protocol reference, "SignMessage"): base64 of a detached CMS
 *   SignedData over the exact body, sent by every device whose enrollment profile sets
 *   `SignMessage` (ours always does).
 * - `clientCertificateHeader`: the TLS client certificate forwarded by a TLS-terminating proxy
 *   (PEM, URL-encoded as nginx's `$ssl_client_escaped_cert`, or base64 DER). Only read when
 *   configured: anyone who can reach the gateway directly could otherwise claim any certificate,
 *   so set it only behind a proxy that overwrites that header.
 */
export interface MdmAuthenticationOptions {
  caCertificatePem: string;
  clientCertificateHeader?: string;
}

/**
 * Authenticates a check-in or command request by its identity certificate: the certificate must
 * be readable, chain to the gateway's CA (an end-entity client-auth certificate), be valid at
 * `now` and, for `Mdm-Signature`, have signed exactly this body. Revocation and whom the
 * certificate belongs to need the database: the caller checks them.
 * @throws MdmAuthenticationError (reason NO_CERTIFICATE, BAD_SIGNATURE, NOT_ISSUED_BY_CA,
 *   CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID)
 */
export async function authenticateMdmRequest(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  options: MdmAuthenticationOptions,
  now: Date,
): Promise<MdmClientCertificate> {
  const signature = headers['mdm-signature'];
  let der: Buffer;
  if (signature) der = await verifyDetachedSignature(signature, body);
  else {
    const forwarded = options.clientCertificateHeader
      ? headers[options.clientCertificateHeader.toLowerCase()]
      : undefined;
    if (!forwarded)
      throw new MdmAuthenticationError(
        'NO_CERTIFICATE',
        'the request carries neither an Mdm-Signature nor a client certificate',
      );
    der = decodeForwardedCertificate(forwarded);
  }
  return checkAgainstCa(der, options.caCertificatePem, now);
}

/**
 * Verifies `Mdm-Signature`: a base64 CMS SignedData (RFC 5652) without encapsulated content,
 * whose first signer signed `body`; returns the signer's certificate (DER).
 */
export async function verifyDetachedSignature(headerValue: string, body: Buffer): Promise<Buffer> {
  const der = Buffer.from(headerValue.replace(/\s+/g, ''), 'base64');
  // The shapes devices send verify on node:crypto (detached-signature.ts); any other shape, and
  // any signature that does not verify there, goes through pkijs, which decides and says why.
  const fast = verifyDetachedCms(der, body);
  if (fast) return fast;
  let signed: pkijs.SignedData;
  try {
    const info = pkijs.ContentInfo.fromBER(der);
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: info.content });
  } catch {
    throw new MdmAuthenticationError('BAD_SIGNATURE', 'Mdm-Signature is not a base64 CMS SignedData');
  }
  if (signed.signerInfos.length === 0)
    throw new MdmAuthenticationError('BAD_SIGNATURE', 'Mdm-Signature has no signer');
  // Apple's Mdm-Signature is a detached signature of the body. A SignedData that carries its own
  // content would be verified over that content, not over the body it arrived with: anyone who
  // saw one signed message could then send any body as that device.
  if (signed.encapContentInfo.eContent !== undefined)
    throw new MdmAuthenticationError(
      'BAD_SIGNATURE',
      'Mdm-Signature carries encapsulated content; only a detached signature of the body is accepted',
    );
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signed.verify({
      signer: 0,
      data: new Uint8Array(body).buffer,
      extendedMode: true,
      checkChain: false,
    });
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    throw new MdmAuthenticationError('BAD_SIGNATURE', `Mdm-Signature does not verify: ${message}`);
  }
  if (!result.signatureVerified || !result.signerCertificate)
    throw new MdmAuthenticationError('BAD_SIGNATURE', 'Mdm-Signature does not match the body');
  return Buffer.from(result.signerCertificate.toSchema().toBER(false));
}

function decodeForwardedCertificate(value: string): Buffer {
  const text = value.includes('%') ? decodeURIComponent(value) : value;
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) return Buffer.from(new X509Certificate(text).raw);
    return Buffer.from(new X509Certificate(Buffer.from(text.replace(/\s+/g, ''), 'base64')).raw);
  } catch {
    throw new MdmAuthenticationError('NO_CERTIFICATE', 'the forwarded client certificate is unreadable');
  }
}

function checkAgainstCa(der: Buffer, caPem: string, now: Date): MdmClientCertificate {
  const pem = toPem(der);
  const cert = lookupDeviceCertificate(pem, caPem);
  if (cert === 'MALFORMED')
    throw new MdmAuthenticationError('NO_CERTIFICATE', 'the identity certificate is unreadable');
  if (cert === 'NOT_ISSUED_BY_CA')
    throw new MdmAuthenticationError(
      'NOT_ISSUED_BY_CA',
      'the identity certificate was not issued by this gateway',
    );
  const notAfter = new Date(cert.notAfterMs);
  if (isExpired(notAfter, now))
    throw new MdmAuthenticationError('CERTIFICATE_EXPIRED', 'the identity certificate has expired');
  if (now.getTime() < cert.notBeforeMs)
    throw new MdmAuthenticationError(
      'CERTIFICATE_NOT_YET_VALID',
      'the identity certificate is not yet valid',
    );
  return {
    serialNumber: cert.serialNumber,
    sha256Thumbprint: cert.sha256Thumbprint,
    commonName: cert.commonName,
    notBefore: new Date(cert.notBeforeMs),
    notAfter,
    pem,
  };
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Signs a message as a device does for `Mdm-Signature` (device side; used by tests and load
 * generators): a detached CMS SignedData over `body` by the identity certificate, SHA-256, the
 * certificate included, no signed attributes (devices add them; the verifier takes both forms).
 * @param privateKeyPem PKCS#8 PEM of the certificate's EC P-256 or RSA key
 * @returns the header's value (base64 DER)
 */
export async function signMdmMessage(
  body: Buffer,
  certificatePem: string,
  privateKeyPem: string,
): Promise<string> {
  const certificate = pkijs.Certificate.fromBER(new X509Certificate(certificatePem).raw);
  const keyObject = createPrivateKey(privateKeyPem);
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  const algorithm =
    keyObject.asymmetricKeyType === 'ec'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: pkijs.id_ContentType_Data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
      }),
    ],
    certificates: [certificate],
  });
  await signed.sign(key as CryptoKey, 0, 'SHA-256', new Uint8Array(body).buffer);
  const info = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.SIGNED_DATA,
    content: signed.toSchema(true),
  });
  return Buffer.from(info.toSchema().toBER(false)).toString('base64');
}
