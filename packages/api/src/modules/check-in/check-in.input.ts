import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { CheckInProofType } from './check-in.enums.js';

/**
 * A device checking in as itself. The proof fields are nullable in the schema so that a request
 * without a credential gets the typed DEVICE_CREDENTIAL_INVALID result, not a GraphQL error.
 * The device signs `${deviceId}\n${timestamp}\n${nonce}` (UTF-8): docs/certificates.md.
 */
@InputType({
  description: 'A device check-in, authenticated by a proof made with the credential issued at enrollment.',
})
export class CheckInInput {
  @Field(() => ID, { description: 'The device checking in (its certificate CN).' })
  deviceId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Serial number (hex) of the MDM certificate the proof is made with.',
  })
  certificateSerialNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'ISO-8601 instant the device signed, exactly as signed; must be within CHECK_IN_MAX_SKEW_SECONDS (300) of the gateway clock.',
  })
  timestamp?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Fresh nonce: 8-256 printable ASCII characters, never reused by this device.',
  })
  nonce?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Base64 proof over the signing input: the certificate-key signature (SIGNATURE) or HMAC-SHA256 keyed by the device token (HMAC).',
  })
  signature?: string | null;

  @Field(() => CheckInProofType, {
    defaultValue: CheckInProofType.SIGNATURE,
    description: 'How `signature` was made; default SIGNATURE.',
  })
  proofType: CheckInProofType = CheckInProofType.SIGNATURE;

  @Field(() => String, {
    nullable: true,
    description:
      'PKCS#10 request (PEM) used if this check-in renews the certificate; omitted: a renewal generates the key pair and returns it once.',
  })
  csr?: string | null;
}

const optional = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v || null);

/** Validation of {@link CheckInInput}: shapes only; the proof itself is checked by the service. */
export const checkInSchema = z.object({
  deviceId: z.uuid({ error: 'must be a UUID' }),
  certificateSerialNumber: optional(64),
  timestamp: optional(64),
  nonce: optional(256),
  signature: optional(1024),
  proofType: z.enum(CheckInProofType).default(CheckInProofType.SIGNATURE),
  csr: optional(16_384),
});

/** A check-in after validation. */
export type CheckInCommand = z.output<typeof checkInSchema>;
