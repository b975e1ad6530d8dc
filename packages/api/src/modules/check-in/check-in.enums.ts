import { registerEnumType } from 'type-graphql';

/** How a check-in proves possession of the credential issued at enrollment (docs/certificates.md). */
export enum CheckInProofType {
  /** ECDSA P-256/SHA-256 (or RSA PKCS#1 v1.5) signature with the certificate's private key. */
  SIGNATURE = 'SIGNATURE',
  /**
   * HMAC-SHA256 with the device token returned at enrollment/renewal, which the gateway derives
   * from the certificate thumbprint: for load generators (k6) that cannot sign with ECDSA.
   */
  HMAC = 'HMAC',
}
registerEnumType(CheckInProofType, {
  name: 'CheckInProofType',
  description:
    'How a check-in proves possession of the device credential: certificate-key SIGNATURE, or HMAC with the device token.',
});
