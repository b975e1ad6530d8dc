// Check-in proofs a k6 VU can make. k6 cannot sign with ECDSA portably: `k6/experimental/webcrypto`
// of k6 0.48 has no ECDSA (it arrived in later releases and then moved to the global `crypto`), so
// scripts use the device token returned at enrollment and the HMAC proof type, which only needs
// `k6/crypto` (available in every k6). See docs/certificates.md, "Check-in credentials".
import crypto from 'k6/crypto';

/**
 * A CheckInInput proved with HMAC-SHA256(deviceToken, `${deviceId}\n${timestamp}\n${nonce}`).
 * @param {string} deviceId @param {string} certificateSerialNumber @param {string} deviceToken
 * @param {string} nonceSeed unique per check-in (e.g. `${__VU}-${__ITER}-${n}`), 8+ printable characters
 */
export function hmacCheckIn(deviceId, certificateSerialNumber, deviceToken, nonceSeed) {
  const timestamp = new Date().toISOString();
  const nonce = `k6-${nonceSeed}-${Math.random().toString(36).slice(2, 10)}`;
  const signature = crypto.hmac('sha256', deviceToken, `${deviceId}\n${timestamp}\n${nonce}`, 'base64');
  return { deviceId, certificateSerialNumber, timestamp, nonce, signature, proofType: 'HMAC' };
}
