import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config.js';

/** Decides whether a caller may make one more request now. */
export interface RateLimit {
  /** @returns null when allowed, otherwise the seconds to wait (for `Retry-After`) */
  consume(key: { tokenId: string } | { address: string }): Promise<number | null>;
}

/**
 * Per-token and per-address budgets over a sliding minute (rate-limiter-flexible, in memory:
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
  return {
    async consume(key) {
      const limiter = 'tokenId' in key ? perToken : perAddress;
      if (!limiter) return null;
      try {
        await limiter.consume('tokenId' in key ? key.tokenId : key.address);
        return null;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}
