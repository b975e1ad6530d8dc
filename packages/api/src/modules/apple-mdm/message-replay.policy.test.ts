import { describe, expect, it } from 'vitest';
import { adoptsRenewedIdentity } from './identity-renewal.policy.js';
import { messageDigest, REMEMBERED_MESSAGES, rememberMessage } from './message-replay.policy.js';

describe('rememberMessage', () => {
  it('remembers new digests, newest last, at most REMEMBERED_MESSAGES, and names a repeat a replay', () => {
    let recent: string[] = [];
    for (let i = 0; i < REMEMBERED_MESSAGES + 2; i++) {
      const next = rememberMessage(recent, `d${i}`);
      expect(next.replayed).toBe(false);
      recent = next.recent;
    }
    expect(recent).toHaveLength(REMEMBERED_MESSAGES);
    expect(recent.at(-1)).toBe(`d${REMEMBERED_MESSAGES + 1}`);
    expect(rememberMessage(recent, `d${REMEMBERED_MESSAGES + 1}`)).toEqual({ replayed: true, recent });
    // The oldest fell out of memory.
    expect(rememberMessage(recent, 'd0').replayed).toBe(false);
  });

  it('digests differ by certificate and by body', () => {
    const body = Buffer.from('<plist/>');
    expect(messageDigest('01', body)).not.toBe(messageDigest('02', body));
    expect(messageDigest('01', body)).not.toBe(messageDigest('01', Buffer.from('<plist />')));
    expect(messageDigest('01', body)).toBe(messageDigest('01', Buffer.from('<plist/>')));
  });
});

describe('adoptsRenewedIdentity', () => {
  const binding = { pendingEnrollmentId: 'p', deviceId: 'dev-1', identifier: 'UDID-1' };
  it('only on the channel and device the renewal was queued for', () => {
    expect(adoptsRenewedIdentity(binding, 'UDID-1', 'dev-1')).toBe(true);
    expect(adoptsRenewedIdentity(binding, 'UDID-2', 'dev-1')).toBe(false);
    expect(adoptsRenewedIdentity(binding, 'UDID-1', 'dev-2')).toBe(false);
  });
});
