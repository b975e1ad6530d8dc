/**
 * Parsed-certificate memo for the check-in hot path (internal; not exported from index).
 *
 * Why: parsing a PEM certificate with node:crypto costs ~0.2 ms and verifying its CA
 * signature another ~0.1 ms on a small server core, while a device presents the same
 * certificate on every check-in. Both results depend only on the PEM bytes (never on
 * time), so they are memoised in a bounded LRU per CA. Time-dependent checks (validity,
 * skew) are always re-evaluated by the caller with its `now`.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const MAX_CAS = 8;
const MAX_DEVICE_CERTS_PER_CA = 4096;

/** A device certificate that verified against the CA, reduced to what check-ins need. */
export interface TrustedDeviceCertificate {
  publicKey: KeyObject;
  commonName: string | undefined;
  notBeforeMs: number;
  notAfterMs: number;
  serialNumber: string;
  sha256Thumbprint: string;
}

/** Outcome of looking up a device certificate: trusted, not from this CA, or unreadable. */
export type DeviceCertificateLookup = TrustedDeviceCertificate | 'NOT_ISSUED_BY_CA' | 'MALFORMED';

interface CaEntry {
  cert: X509Certificate;
  devices: Map<string, DeviceCertificateLookup>;
}

const caEntries = new Map<string, CaEntry | 'MALFORMED'>();

/** Map-as-LRU: re-inserting moves a key to the back; the oldest key is evicted first. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
  return value;
}

function caEntry(caPem: string): CaEntry | 'MALFORMED' {
  const hit = caEntries.get(caPem);
  if (hit) return remember(caEntries, caPem, hit, MAX_CAS);
  let entry: CaEntry | 'MALFORMED';
  try {
    entry = { cert: new X509Certificate(caPem), devices: new Map() };
  } catch {
    entry = 'MALFORMED';
  }
  return remember(caEntries, caPem, entry, MAX_CAS);
}

/**
 * Node renders the subject one attribute per line with RFC 4514 backslash escapes. The
 * issuer forbids control characters in CNs, so splitting on newlines is unambiguous.
 * Returns undefined unless there is exactly one CN.
 */
function commonNameOf(cert: X509Certificate): string | undefined {
  const cns = cert.subject.split('\n').filter((line) => line.startsWith('CN='));
  return cns.length === 1 ? cns[0]!.slice(3).replace(/\\(.)/g, '$1') : undefined;
}

function examine(cert: X509Certificate, ca: X509Certificate): DeviceCertificateLookup {
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'NOT_ISSUED_BY_CA';
  // Only end-entity client-auth certificates may authenticate devices (not the CA itself, not server certs).
  if (cert.ca || !(cert.keyUsage ?? []).includes(CLIENT_AUTH_OID)) return 'NOT_ISSUED_BY_CA';
  const notBeforeMs = Date.parse(cert.validFrom);
  const notAfterMs = Date.parse(cert.validTo);
  if (Number.isNaN(notBeforeMs) || Number.isNaN(notAfterMs)) return 'MALFORMED';
  return {
    publicKey: cert.publicKey,
    commonName: commonNameOf(cert),
    notBeforeMs,
    notAfterMs,
    serialNumber: cert.serialNumber.toUpperCase(),
    sha256Thumbprint: cert.fingerprint256.replaceAll(':', ''),
  };
}

/**
 * Parses `certPem` and checks it was issued (name chaining + signature) by `caPem`.
 * Returns 'MALFORMED' if either PEM is unreadable. Never throws.
 */
export function lookupDeviceCertificate(certPem: string, caPem: string): DeviceCertificateLookup {
  const ca = caEntry(caPem);
  if (ca === 'MALFORMED') return 'MALFORMED';
  const hit = ca.devices.get(certPem);
  if (hit) return remember(ca.devices, certPem, hit, MAX_DEVICE_CERTS_PER_CA);
  let result: DeviceCertificateLookup;
  try {
    result = examine(new X509Certificate(certPem), ca.cert);
  } catch {
    result = 'MALFORMED';
  }
  return remember(ca.devices, certPem, result, MAX_DEVICE_CERTS_PER_CA);
}
