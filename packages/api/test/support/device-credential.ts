import { createHmac, randomBytes } from 'node:crypto';
import {
  EnrollDeviceDocument,
  type CheckInInput,
  type EnrollDeviceInput,
  type EnrollDeviceMutation,
} from '@mdm/schema';
import { checkInSigningInput, signCheckIn } from '../../src/modules/certificate/index.js';
import { byodInput } from './builders.js';
import type { TestGateway } from './test-gateway.js';

type EnrollSuccess = Extract<EnrollDeviceMutation['enrollDevice'], { __typename: 'EnrollDeviceSuccess' }>;

/** What a device holds after enrollment (or renewal): its id, certificate serial, key and token. */
export interface DeviceCredential {
  deviceId: string;
  certificateSerialNumber: string;
  /** PKCS#8 PEM of the certificate key (the server-generated one, or the device's own for CSRs). */
  privateKeyPem: string;
  deviceToken: string;
}

/** Enrolls a unique BYOD device and returns the result with the credential the device now holds. */
export async function enrollDevice(
  gateway: TestGateway,
  overrides: Partial<EnrollDeviceInput> = {},
  ownPrivateKeyPem?: string,
): Promise<EnrollSuccess & { credential: DeviceCredential }> {
  const { enrollDevice: result } = await gateway.query(EnrollDeviceDocument, { input: byodInput(overrides) });
  if (result.__typename !== 'EnrollDeviceSuccess')
    throw new Error(`enrollment refused: ${JSON.stringify(result)}`);
  const privateKeyPem = ownPrivateKeyPem ?? result.privateKeyPem;
  if (!privateKeyPem) throw new Error('no private key: pass the CSR key as ownPrivateKeyPem');
  return {
    ...result,
    credential: {
      deviceId: result.device.id,
      certificateSerialNumber: result.certificate.serialNumber,
      privateKeyPem,
      deviceToken: result.deviceToken,
    },
  };
}

/** A fresh nonce (16 random bytes, base64url: 22 printable characters). */
export function freshNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A check-in input signed as the device would sign it, at `now` (the gateway clock's time).
 * `proofType: 'HMAC'` uses the device token instead of the key, as a load generator does.
 */
export function signedCheckIn(
  credential: DeviceCredential,
  now: Date,
  options: { nonce?: string; deviceId?: string; proofType?: 'SIGNATURE' | 'HMAC'; csr?: string } = {},
): CheckInInput {
  const deviceId = options.deviceId ?? credential.deviceId;
  const timestamp = now.toISOString();
  const nonce = options.nonce ?? freshNonce();
  const proofType = options.proofType ?? 'SIGNATURE';
  const signature =
    proofType === 'HMAC'
      ? createHmac('sha256', credential.deviceToken)
          .update(checkInSigningInput(deviceId, timestamp, nonce))
          .digest('base64')
      : signCheckIn({ privateKeyPem: credential.privateKeyPem, deviceId, timestamp, nonce });
  return {
    deviceId,
    certificateSerialNumber: credential.certificateSerialNumber,
    timestamp,
    nonce,
    signature,
    proofType,
    ...(options.csr ? { csr: options.csr } : {}),
  };
}
