import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueDeviceCertificate,
  type IssuedDeviceCertificate,
} from '../certificate/index.js';
import { cachedSignerCertificates, verifyDetachedCms } from './detached-signature.js';
import { signMdmMessage } from './mdm-signature.js';
import { opensslCmsSign, opensslSelfSigned } from '../../../test/support/openssl.js';

const now = new Date('2026-12-03T12:00:00Z');
const body = Buffer.from(
  '<plist version="1.0"><dict><key>Status</key><string>Idle</string></dict></plist>\n',
);

describe('detached CMS signatures on node:crypto', () => {
  let device: IssuedDeviceCertificate;
  let rsa: { certificatePem: string; keyPem: string };

  const der = (pem: string) => Buffer.from(new X509Certificate(pem).raw);

  beforeAll(async () => {
    const ca = await createCertificateAuthority({ organization: 'CMS Test CA', now });
    device = await issueDeviceCertificate({
      ca,
      deviceId: 'd-1',
      deviceName: 'iPhone',
      now,
      validityDays: 30,
    });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const certificatePem = opensslSelfSigned('rsa-device', keyPem);
    rsa = { certificatePem, keyPem };
  });

  it('returns the signer certificate of an openssl signature with signed attributes (EC and RSA, SHA-1 to SHA-512)', () => {
    for (const md of ['sha1', 'sha256', 'sha384', 'sha512']) {
      const ec = opensslCmsSign(body, device.certificatePem, device.privateKeyPem!, ['-md', md]);
      expect(verifyDetachedCms(ec, body)).toEqual(der(device.certificatePem));
      const rsaSigned = opensslCmsSign(body, rsa.certificatePem, rsa.keyPem, ['-md', md]);
      expect(verifyDetachedCms(rsaSigned, body)).toEqual(der(rsa.certificatePem));
    }
  });

  it('returns the signer certificate of a signature without signed attributes (our device-side signer, openssl -noattr)', async () => {
    const ours = Buffer.from(
      await signMdmMessage(body, device.certificatePem, device.privateKeyPem!),
      'base64',
    );
    expect(verifyDetachedCms(ours, body)).toEqual(der(device.certificatePem));
    const noattr = opensslCmsSign(body, rsa.certificatePem, rsa.keyPem, ['-noattr']);
    expect(verifyDetachedCms(noattr, body)).toEqual(der(rsa.certificatePem));
  });

  it('gives no certificate for another body, a corrupted signature, or garbage', async () => {
    const signed = opensslCmsSign(body, device.certificatePem, device.privateKeyPem!);
    expect(verifyDetachedCms(signed, Buffer.from('another body'))).toBeUndefined();
    const ours = Buffer.from(
      await signMdmMessage(body, device.certificatePem, device.privateKeyPem!),
      'base64',
    );
    expect(verifyDetachedCms(ours, Buffer.concat([body, Buffer.from(' ')]))).toBeUndefined();
    const corrupted = Buffer.from(signed);
    corrupted[corrupted.length - 5]! ^= 0xff;
    expect(verifyDetachedCms(corrupted, body)).toBeUndefined();
    expect(verifyDetachedCms(Buffer.from('not DER at all'), body)).toBeUndefined();
    expect(verifyDetachedCms(signed.subarray(0, signed.length - 10), body)).toBeUndefined();
  });

  it('leaves the shapes it does not read to the general verifier: a signer named by key id, attached content', () => {
    expect(
      verifyDetachedCms(opensslCmsSign(body, device.certificatePem, device.privateKeyPem!, ['-keyid']), body),
    ).toBeUndefined();
    expect(
      verifyDetachedCms(
        opensslCmsSign(body, device.certificatePem, device.privateKeyPem!, ['-nodetach']),
        body,
      ),
    ).toBeUndefined();
  });

  it('caches a signer certificate only once a signature by it verified', () => {
    const before = cachedSignerCertificates();
    const strangers = Array.from({ length: 5 }, (_, i) => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      return { keyPem, certificatePem: opensslSelfSigned(`stranger-${i}`, keyPem) };
    });
    // Signatures over another body do not verify: none of their certificates is kept.
    for (const { keyPem, certificatePem } of strangers)
      expect(
        verifyDetachedCms(opensslCmsSign(Buffer.from('other'), certificatePem, keyPem), body),
      ).toBeUndefined();
    expect(cachedSignerCertificates()).toBe(before);
    const [first] = strangers;
    expect(verifyDetachedCms(opensslCmsSign(body, first!.certificatePem, first!.keyPem), body)).toBeDefined();
    expect(cachedSignerCertificates()).toBe(before + 1);
  });
});
