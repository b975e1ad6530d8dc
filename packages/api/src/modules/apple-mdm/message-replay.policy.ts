import { createHash } from 'node:crypto';

/** How many state-changing check-in messages a channel remembers (TokenUpdates are rare: at enrollment and when APNs rotates the token). */
export const REMEMBERED_MESSAGES = 16;

/** The digest a check-in message is remembered by: SHA-256 over the signing certificate's serial and the exact body, hex. */
export function messageDigest(certificateSerial: string, body: Uint8Array): string {
  return createHash('sha256').update(certificateSerial).update('\0').update(body).digest('hex');
}

/**
 * Whether a state-changing check-in message (TokenUpdate, SetBootstrapToken) repeats one this
 * channel already sent, and what to remember after it. Such a message sent again would restore
 * what it set (an old push token over a newer one) for whoever captured it; a real device resending
 * the same bytes changes nothing by it either, so treating both as a replay loses nothing.
 * Idle and command answers follow their own rule (command-report.service.ts).
 * @param recent the channel's remembered digests, newest last
 * @returns `replayed`, and `recent` with `digest` appended (at most REMEMBERED_MESSAGES, oldest dropped)
 */
export function rememberMessage(
  recent: readonly string[],
  digest: string,
): { replayed: boolean; recent: string[] } {
  if (recent.includes(digest)) return { replayed: true, recent: [...recent] };
  return { replayed: false, recent: [...recent, digest].slice(-REMEMBERED_MESSAGES) };
}
