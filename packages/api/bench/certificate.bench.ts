// CPU per issued device certificate (gateway-generated P-256 key, EC CA), against the library's own
// certificate generator in the same run: @peculiar/x509's `X509CertificateGenerator.create` with the
// same fields and extensions (through WebCrypto), what the issuer used before the per-CA template.
//   pnpm --filter @mdm/api bench certificate        (BENCH_CERTIFICATES, default 3,000 per round)
// Both run in this process, alternated over three rounds after a warm-up; the figures are CPU time
// (process.cpuUsage, every thread: the signatures run on the thread pool), so they depend little on
// the other load of the machine. Printed, never asserted.
import 'reflect-metadata';
import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { createCertificateAuthority } from '../src/modules/certificate/certificate-authority.js';
import { issueDeviceCertificate } from '../src/modules/certificate/certificate-issuer.js';
import { ECDSA_P256_SHA256, x509 } from '../src/modules/certificate/x509-runtime.js';

const count = Number(process.env['BENCH_CERTIFICATES'] ?? 3000);

/** Milliseconds of CPU per call of `issue`, over `n` sequential calls. */
async function cpuPerCall(n: number, issue: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await issue();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

export async function certificateBenchmark(): Promise<void> {
  const now = new Date();
  const ca = await createCertificateAuthority({ organization: 'Contoso', now });
  const gateway = () =>
    issueDeviceCertificate({
      ca,
      deviceId: randomUUID(),
      deviceName: 'bench device',
      serialNumber: 'C02BENCH0001',
      now,
    });
  const generator = async () => {
    const keys = (await webcrypto.subtle.generateKey(ECDSA_P256_SHA256, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(16).toString('hex').replace(/^./, '1'),
      subject: `CN=${randomUUID()}, OU=MDM Device, O=Contoso, 2.5.4.5=C02BENCH0001, 2.5.4.13=bench device`,
      issuer: ca.certificate.subjectName,
      notBefore: now,
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm: ECDSA_P256_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
      ],
    });
    return [certificate.toString('pem'), await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)];
  };
  await cpuPerCall(300, gateway);
  await cpuPerCall(100, generator);
  for (let round = 1; round <= 3; round++) {
    const ours = await cpuPerCall(count, gateway);
    const library = await cpuPerCall(Math.ceil(count / 5), generator);
    console.log(
      `certificate: round ${round}: gateway issuance ${ours.toFixed(3)} ms CPU per certificate (key pair included) | baseline @peculiar/x509 generator ${library.toFixed(3)} ms | ratio ${(library / ours).toFixed(1)}x less CPU`,
    );
  }
}
