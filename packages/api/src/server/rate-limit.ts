import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config.js';

/** Decides whether a caller may make one more request now. */
export interface RateLimit {
  /** @returns null when allowed, otherwise the seconds to wait (for `Retry-After`) */
  consume(
    key: { tokenId: string } | { address: string } | { protocolAddress: string },
  ): Promise<number | null>;
}

/**
 * Per-token, per-address and per-address device protocol budgets (Apple's check-in and command
 * URLs, SCEP, enrollment profiles: unauthenticated until their own signatures are checked, and
 * costly to answer) over a sliding minute (rate-limiter-flexible, in memory:
 * each instance counts its own traffic, so N instances allow up to N times the budget).
 */
export function createRateLimit(limits: Config['rateLimit']): RateLimit {
  const perToken =
    limits.perTokenPerMinute > 0
      ? new RateLimiterMemory({ points: limits.perTokenPerMinute, duration: 60 })
      : null;
  const perAddress =
    limits.anonymousPerMinute > 0
      ? new RateLimiterMemory({ points: limits.anonymousPerMinute, duration: 60 })
      : null;
  const perProtocolAddress =
    limits.deviceProtocolPerMinute > 0
      ? new RateLimiterMemory({ points: limits.deviceProtocolPerMinute, duration: 60 })
      : null;
  return {
    async consume(key) {
      const [limiter, name] =
        'tokenId' in key
          ? [perToken, key.tokenId]
          : 'address' in key
            ? [perAddress, key.address]
            : [perProtocolAddress, key.protocolAddress];
      if (!limiter) return null;
      try {
        await limiter.consume(name);
        return null;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}
