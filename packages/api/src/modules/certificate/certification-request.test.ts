import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openssl } from '../../../test/support/openssl.js';
import { freePort } from '../../../test/support/scepclient.js';
import { CHALLENGE_PASSWORD_OID, readCertificationRequest } from './certification-request.js';
import { createCertificateAuthority, issueDeviceCertificate } from './index.js';
import { x509 } from './x509-runtime.js';

const now = new Date('2026-12-04T12:00:00Z');
const run = promisify(execFile);

/** What @peculiar/x509 reads of the same request, in the reader's terms. */
async function libraryFields(der: Uint8Array) {
  const csr = new x509.Pkcs10CertificateRequest(der);
  const challenge = csr.getAttribute(CHALLENGE_PASSWORD_OID);
  const algorithm = csr.signatureAlgorithm as { name: string; hash: { name: string } };
  return {
    subject: Buffer.from(csr.subjectName.toArrayBuffer()),
    subjectText: csr.subject,
    spki: Buffer.from(csr.publicKey.rawData),
    challengePassword: challenge ? new x509.ChallengePasswordAttribute(challenge.rawData).password : '',
    digest: algorithm.hash.name.replace('SHA-', 'sha'),
    keyType: algorithm.name === 'ECDSA' ? 'ec' : 'rsa',
    signature: Buffer.from(csr.signature),
    verifies: await csr.verify(),
  };
}

/** A CSR made by `openssl req` with this key algorithm and digest, with or without a challenge. */
function opensslCsr(keyArgs: string[], digest: string, challenge?: string): Buffer {
  const key = openssl(['genpkey', ...keyArgs]);
  const config = [
    '[req]',
    'distinguished_name = dn',
    'attributes = attrs',
    'prompt = no',
    '[dn]',
    'CN = device-1',
    'O = Example, Inc.',
    '[attrs]',
    ...(challenge ? [`challengePassword = ${challenge}`] : []),
  ].join('\n');
  return openssl(
    ['req', '-new', '-key', '{key.pem}', `-${digest}`, '-config', '{req.cnf}', '-outform', 'DER'],
    {
      'key.pem': key,
      'req.cnf': `${config}\n`,
    },
  );
}

describe('readCertificationRequest', () => {
  const cases: [string, string[], string, string | undefined][] = [
    [
      'RSA 2048, SHA-256, challenge',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'sha256',
      's3cr3t-Challenge',
    ],
    [
      'RSA 2048, SHA-1, no challenge',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'sha1',
      undefined,
    ],
    [
      'EC P-256, SHA-256, challenge',
      ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      'sha256',
      'abc 123',
    ],
    [
      'EC P-384, SHA-384, challenge',
      ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      'sha384',
      'x',
    ],
  ];
  it.each(cases)(
    'reads an openssl request (%s) as @peculiar/x509 does',
    async (_name, keyArgs, digest, challenge) => {
      const der = opensslCsr(keyArgs, digest, challenge);
      const fields = readCertificationRequest(der);
      const library = await libraryFields(der);
      expect(library.verifies).toBe(true);
      expect(fields).toBeDefined();
      expect({
        subject: Buffer.from(fields!.subject),
        spki: fields!.spki,
        challengePassword: fields!.challengePassword,
        digest: fields!.digest,
        keyType: fields!.keyType,
        signature: Buffer.from(fields!.signature),
      }).toEqual({
        subject: library.subject,
        spki: library.spki,
        challengePassword: library.challengePassword,
        digest: library.digest,
        keyType: library.keyType,
        signature: library.signature,
      });
      expect(library.challengePassword).toBe(challenge ?? '');
    },
  );

  it("reads scepclient's request as @peculiar/x509 does", async () => {
    let der: ArrayBuffer;
    // scepclient writes its key and CSR (csr.pem, in its working directory) before it contacts
    // the server; nothing listens here.
    const dir = await mkdtemp(join(tmpdir(), 'scepclient-csr-'));
    try {
      await run(
        'scepclient',
        [
          '-server-url',
          `http://127.0.0.1:${await freePort()}/scep`,
          '-private-key',
          join(dir, 'key.pem'),
          '-challenge',
          'one-time-challenge',
          '-cn',
          'scep-device',
        ],
        { cwd: dir, timeout: 20_000 },
      ).catch(() => undefined);
      der = x509.PemConverter.decodeFirst(await readFile(join(dir, 'csr.pem'), 'utf8'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const fields = readCertificationRequest(new Uint8Array(der));
    const library = await libraryFields(new Uint8Array(der));
    expect(library.verifies).toBe(true);
    expect(library.subjectText).toContain('CN=scep-device');
    expect(fields).toMatchObject({
      subject: new Uint8Array(library.subject),
      spki: library.spki,
      challengePassword: 'one-time-challenge',
      digest: library.digest,
      keyType: 'rsa',
      signature: new Uint8Array(library.signature),
    });
  });

  it('issues the same certificate from the fields as from the library parse, and refuses a bad signature', async () => {
    const ca = await createCertificateAuthority({ organization: 'Example', commonName: 'Test CA', now });
    for (const der of [
      opensslCsr(['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'sha256', 'c'),
      opensslCsr(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'sha256', 'c'),
    ]) {
      const csrPem = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
      const fields = readCertificationRequest(der)!;
      const viaFields = await issueDeviceCertificate({
        ca,
        deviceId: 'd',
        deviceName: '',
        csrPem,
        csr: fields,
        now,
      });
      const viaLibrary = await issueDeviceCertificate({ ca, deviceId: 'd', deviceName: '', csrPem, now });
      const publicKeyOf = (pem: string) => Buffer.from(new x509.X509Certificate(pem).publicKey.rawData);
      expect(publicKeyOf(viaFields.certificatePem)).toEqual(publicKeyOf(viaLibrary.certificatePem));
      expect(viaFields.subject).toEqual(viaLibrary.subject);
      const tampered = Buffer.from(der);
      tampered[tampered.length - 5]! ^= 0x01;
      const broken = readCertificationRequest(tampered)!;
      await expect(
        issueDeviceCertificate({ ca, deviceId: 'd', deviceName: '', csrPem, csr: broken, now }),
      ).rejects.toThrow('CSR signature does not verify');
    }
  });

  it('leaves anything else to the library', () => {
    expect(readCertificationRequest(randomBytes(40))).toBeUndefined();
    const der = opensslCsr(['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'sha256', 'c');
    expect(readCertificationRequest(Buffer.concat([der, Buffer.from([0])]))).toBeUndefined();
    // RSASSA-PSS: not read here.
    const pss = openssl(
      [
        'req',
        '-new',
        '-key',
        '{key.pem}',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sha256',
        '-subj',
        '/CN=x',
        '-outform',
        'DER',
      ],
      { 'key.pem': openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']) },
    );
    expect(readCertificationRequest(pss)).toBeUndefined();
  });
});
