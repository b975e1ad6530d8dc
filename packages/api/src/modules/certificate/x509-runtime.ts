/**
 * The single import point for `@peculiar/x509` inside this module.
 *
 * Why this file exists: @peculiar/x509 resolves its algorithm providers through tsyringe,
 * which throws at load time unless a Reflect metadata polyfill is present; and the
 * library needs a WebCrypto provider registered before any key or signature operation.
 * ES modules evaluate imports in order, so importing `reflect-metadata` first here, and
 * having every other file import x509 only from here, makes both guarantees hold
 * regardless of the entry point (server, vitest, scripts).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** Node's WebCrypto CryptoKey type (the global one is not in our ES2023-only lib). */
export type CryptoKey = webcrypto.CryptoKey;

/** ECDSA P-256 with SHA-256: the key and signature algorithm this PKI issues with. */
export const ECDSA_P256_SHA256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** RSASSA-PKCS1-v1_5 with SHA-256, accepted for a CA supplied through configuration. */
export const RSA_PKCS1_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Number of seconds in one validity "day" (UTC days have no leap seconds in X.509 time). */
export { SECONDS_PER_DAY } from '../../shared/clock.js';

/**
 * Drops the milliseconds of `date`. Why: X.509 UTCTime/GeneralizedTime carry whole
 * seconds, so computing with sub-second values would make the returned metadata disagree
 * with what is actually encoded in the certificate.
 */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Whole UNIX seconds of `date` (floor), the unit every boundary comparison here uses. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
