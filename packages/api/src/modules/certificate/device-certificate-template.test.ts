import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  loadCaFromPem,
} from './certificate-authority.js';
import { issueDeviceCertificate } from './certificate-issuer.js';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import fc from 'fast-check';
import {
  type DeviceCertificateFields,
  type DeviceNameAttribute,
  deviceTbsCertificate,
  NAME_OIDS,
  signDeviceCertificate,
} from './device-certificate-template.js';
import { generateEcP256KeyPair } from './ec-key.js';
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

/**
 * The library's full encoding of the same certificate: every part an @peculiar/asn1-x509 object,
 * the whole TBSCertificate serialized by @peculiar/asn1-schema (what the issuer did before the
 * DER template), and the subject as @peculiar/x509's `Name` prints it.
 */
function libraryTbs(ca: CertificateAuthority, fields: DeviceCertificateFields) {
  const caCertificate = AsnConvert.parse(ca.certificate.rawData, Certificate);
  const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const keyId = (info: SubjectPublicKeyInfo) =>
    createHash('sha1').update(new Uint8Array(info.subjectPublicKey)).digest();
  const extension = (extnID: string, critical: boolean, value: object) =>
    new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const subjectPublicKeyInfo = AsnConvert.parse(fields.spki, SubjectPublicKeyInfo);
  const subject = new Name(
    fields.subject.map(
      ([type, value]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type: NAME_OIDS[type],
            value: x509.Name.isPrintableString(value)
              ? new AttributeValue({ printableString: value })
              : new AttributeValue({ utf8String: value }),
          }),
        ]),
    ),
  );
  const signatureAlgorithm =
    ca.keyType === 'RSA'
      ? new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null })
      : new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(fields.serial).buffer,
    signature: signatureAlgorithm,
    issuer: caCertificate.tbsCertificate.subject,
    validity: new Validity({ notBefore: fields.notBefore, notAfter: fields.notAfter }),
    subject,
    subjectPublicKeyInfo,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | (fields.isRsa ? KeyUsageFlags.keyEncipherment : 0)),
      ),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_clientAuth])),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(subjectPublicKeyInfo))),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({
          keyIdentifier: new KeyIdentifier(
            caSki ? Buffer.from(caSki, 'hex') : keyId(caCertificate.tbsCertificate.subjectPublicKeyInfo),
          ),
        }),
      ),
    ]),
  });
  return {
    tbs,
    der: Buffer.from(AsnConvert.serialize(tbs)),
    signatureAlgorithm,
    subject: new x509.Name(subject, NAME_LABELS).toString(),
  };
}

/** Subject keys of every kind the gateway certifies, as DER SubjectPublicKeyInfo. */
async function subjectKeys(): Promise<{ label: string; spki: Buffer; isRsa: boolean }[]> {
  const spkiOf = (type: 'ec' | 'rsa', options: object) =>
    (generateKeyPairSync as (t: string, o: object) => { publicKey: { export(o: object): Buffer } })(
      type,
      options,
    ).publicKey.export({ type: 'spki', format: 'der' });
  // A device's own key as the CSR path hands it over (@peculiar/x509 parses the PKCS#10 request).
  const csrKeys = (await webcrypto.subtle.generateKey(
    { ...RSA_PKCS1_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=device',
    keys: csrKeys,
    signingAlgorithm: RSA_PKCS1_SHA256,
  });
  const fromCsr = new x509.Pkcs10CertificateRequest(csr.toString('pem'));
  return [
    { label: 'EC P-256 (gateway key)', spki: generateEcP256KeyPair().spki, isRsa: false },
    { label: 'EC P-256 (OpenSSL)', spki: spkiOf('ec', { namedCurve: 'prime256v1' }), isRsa: false },
    { label: 'RSA 2048', spki: spkiOf('rsa', { modulusLength: 2048 }), isRsa: true },
    { label: 'RSA 4096', spki: spkiOf('rsa', { modulusLength: 4096 }), isRsa: true },
    { label: 'RSA 2048 from a CSR', spki: Buffer.from(fromCsr.publicKey.rawData), isRsa: true },
  ];
}

describe('device certificate DER template against the library', () => {
  let keys: Awaited<ReturnType<typeof subjectKeys>>;
  beforeAll(async () => {
    keys = await subjectKeys();
  });

  const expectSame = (ca: CertificateAuthority, fields: DeviceCertificateFields) => {
    const expected = libraryTbs(ca, fields);
    const actual = deviceTbsCertificate(ca, fields);
    expect(actual.tbs.toString('hex')).toBe(expected.der.toString('hex'));
    expect(actual.subject).toBe(expected.subject);
  };

  it('matches byte for byte for subjects crossing every DER length-octet boundary (1, 2, 3 and 4 octets), EC and RSA keys and CAs', () => {
    const lengths = [
      ...Array.from({ length: 300 }, (_, i) => i),
      ...Array.from({ length: 90 }, (_, i) => 65_440 + i * 2),
      70_000,
    ];
    const units = ['a', 'é', '😀'];
    for (const ca of [ecCa, rsaCa]) {
      for (const [i, length] of lengths.entries()) {
        const key = keys[i % keys.length]!;
        const unit = units[i % units.length]!;
        const description = unit.repeat(Math.ceil(length / Buffer.byteLength(unit)));
        const fields: DeviceCertificateFields = {
          serial: serialOf(),
          notBefore: new Date('2026-05-04T09:05:11Z'),
          notAfter: new Date('2027-05-04T09:10:11Z'),
          subject: [
            ['CN', 'x'.repeat(length % 131)],
            ['OU', 'MDM Device'],
            ['description', description],
          ],
          spki: key.spki,
          isRsa: key.isRsa,
        };
        expectSame(ca, fields);
      }
    }
  });

  it('matches byte for byte for random subjects (unicode, printable and not, escapes), dates 1950-9999 with milliseconds, every key type', () => {
    const attribute = fc.constantFrom<DeviceNameAttribute>('CN', 'OU', 'O', 'serialNumber', 'description');
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 150 }),
      fc.string({ unit: fc.constantFrom(..."Ab9 '()+,-./:=?".split('')), maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...',+"\\<>;# \r\n\t*&@é'.split('')), maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 60 }).filter((text) => !/\p{Cs}/u.test(text)),
    );
    const date = fc.date({
      min: new Date('1950-01-01T00:00:00.000Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(attribute, value), { minLength: 1, maxLength: 6 }),
        date,
        date,
        fc.nat(keys.length - 1),
        fc.boolean(),
        (subject, notBefore, notAfter, keyIndex, rsaCaSelected) => {
          const key = keys[keyIndex]!;
          expectSame(rsaCaSelected ? rsaCa : ecCa, {
            serial: serialOf(),
            notBefore,
            notAfter,
            subject,
            spki: key.spki,
            isRsa: key.isRsa,
          });
        },
      ),
      { numRuns: 600 },
    );
  });

  it('signs a Certificate byte for byte as the library encodes it around the same signature', async () => {
    for (const ca of [ecCa, rsaCa]) {
      for (const key of keys) {
        const fields: DeviceCertificateFields = {
          serial: serialOf(),
          notBefore: new Date('2049-12-31T23:59:59Z'),
          notAfter: new Date('2050-01-01T00:00:00Z'),
          subject: [
            ['CN', 'dev-sign'],
            ['OU', 'MDM Device'],
            ['description', 'Zoë "Lab" ✓'],
          ],
          spki: key.spki,
          isRsa: key.isRsa,
        };
        const { der } = await signDeviceCertificate(ca, fields);
        const signatureValue = AsnConvert.parse(der, Certificate).signatureValue;
        const expected = libraryTbs(ca, fields);
        const library = new Certificate({
          tbsCertificate: expected.tbs,
          signatureAlgorithm: expected.signatureAlgorithm,
          signatureValue,
        });
        expect(der.toString('hex')).toBe(Buffer.from(AsnConvert.serialize(library)).toString('hex'));
      }
    }
  });

  it('refuses what the library refuses or cannot encode: lone surrogates, years outside 1950-9999, malformed serials and keys', () => {
    const key = keys[0]!;
    const base: DeviceCertificateFields = {
      serial: serialOf(),
      notBefore: now,
      notAfter: new Date('2027-05-04T09:10:11Z'),
      subject: [['CN', 'dev']],
      spki: key.spki,
      isRsa: false,
    };
    for (const text of ['a\ud800b', '\udc00', 'x\ud83d']) {
      const fields = { ...base, subject: [['description', text]] as [DeviceNameAttribute, string][] };
      expect(() => libraryTbs(ecCa, fields).der).toThrow();
      expect(() => deviceTbsCertificate(ecCa, fields)).toThrow(URIError);
    }
    expect(() =>
      deviceTbsCertificate(ecCa, { ...base, notBefore: new Date('1949-12-31T23:59:59Z') }),
    ).toThrow(RangeError);
    expect(() =>
      deviceTbsCertificate(ecCa, { ...base, notAfter: new Date('+010000-01-01T00:00:00Z') }),
    ).toThrow(RangeError);
    expect(() => deviceTbsCertificate(ecCa, { ...base, serial: Buffer.alloc(16) })).toThrow(RangeError);
    expect(() => deviceTbsCertificate(ecCa, { ...base, serial: Buffer.alloc(15, 1) })).toThrow(RangeError);
    expect(() => deviceTbsCertificate(ecCa, { ...base, spki: key.spki.subarray(0, -1) })).toThrow(RangeError);
    expect(() =>
      deviceTbsCertificate(ecCa, { ...base, spki: Buffer.concat([key.spki, Buffer.from([0])]) }),
    ).toThrow(RangeError);
  });
});

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
            expect(actual.tbs.toString('hex')).toBe(expected.tbs.toString('hex'));
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
