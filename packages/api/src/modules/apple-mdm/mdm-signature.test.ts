import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueDeviceCertificate,
  type CertificateAuthority,
  type IssuedDeviceCertificate,
} from '../certificate/index.js';
import { MdmAuthenticationError } from './apple-mdm.errors.js';
import { authenticateMdmRequest, signMdmMessage } from './mdm-signature.js';
import { openssl, opensslCmsSign } from '../../../test/support/openssl.js';

const now = new Date('2026-12-03T12:00:00Z');
const body = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Status</key><string>Idle</string><key>UDID</key><string>X</string></dict></plist>\n',
);

describe('Mdm-Signature verification', () => {
  let ca: CertificateAuthority;
  let other: CertificateAuthority;
  let device: IssuedDeviceCertificate;
  const options = () => ({ caCertificatePem: ca.certificatePem, clientCertificateHeader: 'x-client-cert' });

  const opensslSign = (data: Buffer, certificatePem: string, keyPem: string): string =>
    opensslCmsSign(data, certificatePem, keyPem, ['-md', 'sha256']).toString('base64');

  beforeAll(async () => {
    ca = await createCertificateAuthority({
      organization: 'Signature Test CA',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    other = await createCertificateAuthority({
      organization: 'Another CA',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    device = await issueDeviceCertificate({
      ca,
      deviceId: 'device-1',
      deviceName: 'iPhone',
      now,
      validityDays: 365,
      backdateSeconds: 60,
    });
  });

  it('accepts a body signed by openssl cms -sign with a certificate of the CA', async () => {
    const signature = opensslSign(body, device.certificatePem, device.privateKeyPem!);
    const certificate = await authenticateMdmRequest({ 'mdm-signature': signature }, body, options(), now);
    expect(certificate).toMatchObject({ serialNumber: device.serialNumber, commonName: 'device-1' });
  });

  it('accepts a body signed by our own device-side signer, and openssl verifies that signature too', async () => {
    const signature = await signMdmMessage(body, device.certificatePem, device.privateKeyPem!);
    await expect(
      authenticateMdmRequest({ 'mdm-signature': signature }, body, options(), now),
    ).resolves.toMatchObject({
      sha256Thumbprint: device.sha256Thumbprint,
    });
    openssl(
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        '{sig.der}',
        '-content',
        '{body}',
        '-CAfile',
        '{ca.pem}',
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      { 'sig.der': Buffer.from(signature, 'base64'), body, 'ca.pem': ca.certificatePem },
    );
  });

  it('refuses a signature that carries its own content, whether that content is another body or this one', async () => {
    const other = Buffer.from(body.toString().replace('Idle', 'CheckOut'));
    for (const content of [other, body])
      for (const extra of [['-nodetach'], ['-nodetach', '-noattr']]) {
        const attached = opensslCmsSign(content, device.certificatePem, device.privateKeyPem!, extra);
        await expect(
          authenticateMdmRequest({ 'mdm-signature': attached.toString('base64') }, body, options(), now),
        ).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
      }
  });

  it('refuses a signature over another body, from another CA, expired, or none at all', async () => {
    const refusal = async (headers: Record<string, string>, data = body, at = now) => {
      const error = await authenticateMdmRequest(headers, data, options(), at).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MdmAuthenticationError);
      return (error as MdmAuthenticationError).reason;
    };
    const signature = opensslSign(body, device.certificatePem, device.privateKeyPem!);
    expect(await refusal({ 'mdm-signature': signature }, Buffer.concat([body, Buffer.from(' ')]))).toBe(
      'BAD_SIGNATURE',
    );
    expect(await refusal({ 'mdm-signature': 'bm90IGNtcw==' })).toBe('BAD_SIGNATURE');
    const stranger = await issueDeviceCertificate({
      ca: other,
      deviceId: 'device-1',
      deviceName: 'iPhone',
      now,
      validityDays: 365,
      backdateSeconds: 60,
    });
    expect(
      await refusal({ 'mdm-signature': opensslSign(body, stranger.certificatePem, stranger.privateKeyPem!) }),
    ).toBe('NOT_ISSUED_BY_CA');
    expect(await refusal({ 'mdm-signature': signature }, body, new Date('2028-01-01T00:00:00Z'))).toBe(
      'CERTIFICATE_EXPIRED',
    );
    expect(await refusal({})).toBe('NO_CERTIFICATE');
  });

  it("reads a proxy's forwarded client certificate only from the configured header", async () => {
    const escaped = encodeURIComponent(device.certificatePem);
    await expect(
      authenticateMdmRequest({ 'x-client-cert': escaped }, body, options(), now),
    ).resolves.toMatchObject({
      serialNumber: device.serialNumber,
    });
    await expect(
      authenticateMdmRequest(
        { 'x-client-cert': escaped },
        body,
        { caCertificatePem: ca.certificatePem },
        now,
      ),
    ).rejects.toThrow(MdmAuthenticationError);
  });
});
