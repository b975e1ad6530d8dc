/**
 * Typed errors of the certificate module. Each carries a stable `code` string so the
 * GraphQL layer can map it to an error extension without matching on messages, which
 * are for humans and may change.
 */

/** Why a PKCS#10 request was refused. */
export type InvalidCsrReason = 'MALFORMED' | 'BAD_SIGNATURE' | 'UNSUPPORTED_KEY';

/**
 * A certificate signing request was refused: not parseable PEM/DER (`MALFORMED`), its
 * self-signature does not verify (`BAD_SIGNATURE`, e.g. tampered after signing), or its
 * key is not EC P-256 / RSA >= 2048 bits (`UNSUPPORTED_KEY`). Client-caused: map to a
 * 4xx-style user error, never a 500.
 */
export class InvalidCsrError extends Error {
  readonly code = 'INVALID_CSR' as const;
  constructor(
    readonly reason: InvalidCsrReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidCsrError';
  }
}

/** Why sealed key material could not be produced or opened. */
export type SealedKeyErrorCode = 'WRONG_KEY_MATERIAL' | 'MALFORMED_SEALED_KEY' | 'WEAK_KEY_MATERIAL';

/**
 * Sealing or unsealing a private key failed. `WRONG_KEY_MATERIAL` means the GCM tag did
 * not verify: the configured secret differs from the one used to seal (or the blob was
 * altered; AES-GCM cannot tell those apart, and must not try). `MALFORMED_SEALED_KEY`:
 * the string is not in the `mdm-sealed-key:v1:...` format. `WEAK_KEY_MATERIAL`: the
 * secret is shorter than 16 characters. Operator-caused: fail startup loudly.
 */
export class SealedKeyError extends Error {
  constructor(
    readonly code: SealedKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SealedKeyError';
  }
}

/** Why a CA could not be loaded or used. */
export type CertificateAuthorityErrorCode =
  'INVALID_CA_CERTIFICATE' | 'INVALID_CA_KEY' | 'CA_KEY_MISMATCH' | 'CA_NOT_VALID';

/**
 * The configured CA is unusable: the certificate is not a CA certificate
 * (`INVALID_CA_CERTIFICATE`), the key is unreadable or of an unsupported type
 * (`INVALID_CA_KEY`), the key does not belong to the certificate (`CA_KEY_MISMATCH`), or
 * the CA is outside its own validity period at issuance time (`CA_NOT_VALID`).
 */
export class CertificateAuthorityError extends Error {
  constructor(
    readonly code: CertificateAuthorityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateAuthorityError';
  }
}
