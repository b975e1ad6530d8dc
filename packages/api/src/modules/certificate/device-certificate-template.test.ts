import { createPublicKey, generateKeyPairSync, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  loadCaFromPem,
} from './certificate-authority.js';
import { issueDeviceCertificate } from './certificate-issuer.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import {
  type DeviceNameAttribute,
  deviceTbsCertificate,
  signDeviceCertificate,
} from './device-certificate-template.js';
import { RSA_PKCS1_SHA256, x509 } from './x509-runtime.js';

const now = new Date('2026-05-04T09:10:11.000Z');
let ecCa: CertificateAuthority;
let rsaCa: CertificateAuthority;

/** An operator-supplied RSA CA (the other key type the gateway accepts). */
async function createRsaCa(): Promise<CertificateAuthority> {
  const algorithm = { ...RSA_PKCS1_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Operator RSA CA, O=Contoso "Fleet", OU=IT',
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const keyPem = x509.PemConverter.encode(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  );
  return loadCaFromPem(certificate.toString('pem'), keyPem);
}

beforeAll(async () => {
  ecCa = await createCertificateAuthority({
    organization: 'Acme Corp',
    now: new Date('2026-01-01T00:00:00Z'),
  });
  rsaCa = await createRsaCa();
});

const NAME_LABELS = { serialNumber: '2.5.4.5', description: '2.5.4.13' };

/** The TBSCertificate bytes of a DER certificate (as parsed, not re-encoded). */
function tbsOf(der: Uint8Array): Buffer {
  return Buffer.from(AsnConvert.parse(der, Certificate).tbsCertificateRaw!);
}

/** What @peculiar/x509's generator (the issuer before the template) makes of the same fields. */
async function generatorTbs(
  ca: CertificateAuthority,
  serial: Buffer,
  subject: [DeviceNameAttribute, string][],
  spki: Buffer,
  isRsa: boolean,
  notBefore: Date,
  notAfter: Date,
) {
  const name = new x509.Name(
    subject.map(([k, v]) => ({
      [k === 'serialNumber' ? '2.5.4.5' : k === 'description' ? '2.5.4.13' : k]: [v],
    })),
    NAME_LABELS,
  );
  const publicKey = new x509.PublicKey(spki);
  const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: name,
    issuer: ca.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: ca.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0),
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      caSki
        ? new x509.AuthorityKeyIdentifierExtension(caSki)
        : await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
    ],
  });
  return {
    tbs: tbsOf(new Uint8Array(certificate.rawData)),
    subject: name.toString(),
    pem: certificate.toString('pem'),
    der: Buffer.from(certificate.rawData),
  };
}

const serialOf = () => {
  const s = randomBytes(16);
  s[0] = s[0]! & 0x7f || 1;
  return s;
};

describe('device certificate DER template', () => {
  const subjects: [DeviceNameAttribute, string][][] = [
    [
      ['CN', '3f1c2a9e-7d0b-4c1e-9a55-0b6f7e1d2c3a'],
      ['OU', 'MDM Device'],
      ['O', 'Acme Corp'],
      ['serialNumber', 'C02XK1ABCD'],
      ['description', 'Front desk iPad'],
    ],
    [
      ['CN', 'dev-1'],
      ['OU', 'MDM Device'],
      ['description', "Zoë's phone, work + <lab>; 1 "],
    ],
    [
      ['CN', 'dev-2'],
      ['OU', 'MDM Device'],
      ['O', 'Acme Corp'],
      ['description', ' leading space and\ttab'],
    ],
    [
      ['CN', 'dev-3'],
      ['OU', 'MDM Device'],
      ['serialNumber', 'SER/IAL-01_é'],
      ['description', 'x'.repeat(200)],
    ],
  ];

  // The generator's JSON names unwrap quoted sections and resolve backslash escapes (the bug the
  // verbatim encoding fixes), so only names without quotes or backslashes can be compared.
  it("encodes the same TBSCertificate as @peculiar/x509's generator, byte for byte, for EC and RSA keys and CAs", async () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const validities: [Date, Date][] = [
      [new Date('2026-05-04T09:05:11Z'), new Date('2027-05-04T09:10:11Z')],
      [new Date('2049-12-31T23:59:59Z'), new Date('2050-01-01T00:00:00Z')], // UTCTime / GeneralizedTime boundary
    ];
    for (const ca of [ecCa, rsaCa]) {
      for (const subject of subjects) {
        for (const [spki, isRsa] of [
          [ecKey, false],
          [rsaKey, true],
        ] as const) {
          for (const [notBefore, notAfter] of validities) {
            const serial = serialOf();
            const expected = await generatorTbs(ca, serial, subject, spki, isRsa, notBefore, notAfter);
            const actual = deviceTbsCertificate(ca, { serial, notBefore, notAfter, subject, spki, isRsa });
            expect(Buffer.from(AsnConvert.serialize(actual.tbs)).toString('hex')).toBe(
              expected.tbs.toString('hex'),
            );
            expect(actual.subject).toBe(expected.subject);
          }
        }
      }
    }
  });

  it('writes PEM exactly as @peculiar/x509 does', async () => {
    const spki = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const expected = await generatorTbs(
      ecCa,
      serialOf(),
      subjects[0]!,
      spki,
      false,
      now,
      new Date('2027-05-04T09:10:11Z'),
    );
    expect(x509.PemConverter.encode(expected.der, 'CERTIFICATE')).toBe(expected.pem);
  });

  it('signs certificates that node:crypto verifies against the CA key and @peculiar/x509 chains to the CA', async () => {
    for (const ca of [ecCa, rsaCa]) {
      const spki = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      const { der } = await signDeviceCertificate(ca, {
        serial: serialOf(),
        notBefore: new Date(now.getTime() - 300_000),
        notAfter: new Date('2027-05-04T09:10:11Z'),
        subject: subjects[0]!,
        spki,
        isRsa: false,
      });
      const native = new X509Certificate(der);
      const caNative = new X509Certificate(Buffer.from(ca.certificate.rawData));
      expect(native.verify(caNative.publicKey)).toBe(true);
      expect(native.checkIssued(caNative)).toBe(true);
      expect(native.verify(createPublicKey({ key: spki, format: 'der', type: 'spki' }))).toBe(false);
      const parsed = new x509.X509Certificate(der);
      expect(await parsed.verify({ publicKey: ca.certificate.publicKey, date: now })).toBe(true);
      const chain = await new x509.X509ChainBuilder({ certificates: [ca.certificate] }).build(parsed);
      expect(chain.map((c) => c.subject)).toEqual([parsed.subject, ca.certificate.subject]);
    }
  });

  it('issues through issueDeviceCertificate with the template: parseable, verified, issuer and subject as printed by the parser', async () => {
    for (const ca of [ecCa, rsaCa]) {
      const issued = await issueDeviceCertificate({
        ca,
        deviceId: 'dev-template',
        deviceName: 'Lab "Mac", #2',
        serialNumber: 'C02X',
        now,
      });
      const parsed = new x509.X509Certificate(issued.certificatePem);
      expect(new x509.Name(parsed.subjectName.toArrayBuffer(), NAME_LABELS).toString()).toBe(issued.subject);
      expect(parsed.issuer).toBe(issued.issuer);
      expect(parsed.serialNumber.toUpperCase()).toBe(issued.serialNumber);
      expect(
        new X509Certificate(issued.certificatePem).verify(
          new X509Certificate(Buffer.from(ca.certificate.rawData)).publicKey,
        ),
      ).toBe(true);
      expect(await parsed.verify({ publicKey: ca.certificate.publicKey, date: now })).toBe(true);
    }
  });

  it('keeps device names, hardware serials and ids verbatim in the subject (quotes, backslashes, a leading #)', async () => {
    const names = ['Lab "Mac", #2', '#1 front\\desk "A" \\0a', ' Zoë\'s "iPad" + <lab>; ', 'Plain name'];
    for (const ca of [ecCa, rsaCa]) {
      for (const deviceName of names) {
        const deviceId = `dev-"${deviceName.length}", #x`;
        const issued = await issueDeviceCertificate({
          ca,
          deviceId,
          deviceName,
          serialNumber: '#SER "1"',
          now,
        });
        const parsed = new x509.X509Certificate(issued.certificatePem);
        expect(parsed.subjectName.getField('2.5.4.13')).toEqual([deviceName]);
        expect(parsed.subjectName.getField('2.5.4.5')).toEqual(['#SER "1"']);
        expect(parsed.subjectName.getField('CN')).toEqual([deviceId]);
        expect(parsed.subjectName.getField('OU')).toEqual(['MDM Device']);
        expect(new x509.Name(parsed.subjectName.toArrayBuffer(), NAME_LABELS).toString()).toBe(
          issued.subject,
        );
        const native = new X509Certificate(issued.certificatePem);
        expect(native.verify(new X509Certificate(Buffer.from(ca.certificate.rawData)).publicKey)).toBe(true);
        expect(
          native.subject
            .split('\n')
            .find((line) => line.startsWith('CN='))!
            .slice(3)
            .replace(/\\(.)/g, '$1'),
        ).toBe(deviceId);
      }
    }
  });

  it('gives every certificate its own serial number and key', async () => {
    const issued = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        issueDeviceCertificate({ ca: ecCa, deviceId: `dev-${i}`, deviceName: 'x', now }),
      ),
    );
    expect(new Set(issued.map((c) => c.serialNumber)).size).toBe(50);
    expect(new Set(issued.map((c) => c.privateKeyPem)).size).toBe(50);
    expect(new Set(issued.map((c) => c.sha256Thumbprint)).size).toBe(50);
  });
});
