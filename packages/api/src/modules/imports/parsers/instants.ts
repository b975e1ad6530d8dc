/**
 * Exact ISO 8601 / RFC 3339 instants, as sent by Apple (second precision, `Z`) and Microsoft Graph
 * (offsets such as `-08:00`, up to 7 fractional digits = .NET's 100-ns ticks).
 *
 * Representation (decision): an instant is a `bigint` count of 100-nanosecond ticks since the Unix
 * epoch 1970-01-01T00:00:00Z (negative before it), which holds every value Graph can send exactly;
 * `date` is the same instant floored to the millisecond for ordinary use, and `raw` keeps the
 * original string. A JS Date alone would drop digits 4–7 of the fraction.
 */

/** A parsed instant. `offsetMinutes`: the offset written in `raw` (0 for `Z`), e.g. -480 for `-08:00`. */
export interface Instant {
  readonly raw: string;
  readonly ticks: bigint;
  readonly date: Date;
  readonly offsetMinutes: number;
}

/** 100-ns ticks per millisecond / per minute. */
export const TICKS_PER_MS = 10_000n;
const TICKS_PER_MINUTE = 600_000_000n;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Floor division for bigint (bigint `/` truncates towards zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Milliseconds since the epoch of a UTC calendar date-time, or null when the date does not exist. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // unlike Date.UTC, does not map years 0–99 to 1900–1999
  date.setUTCHours(h, mi, s, 0);
  const exists = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return exists && h < 24 && mi < 60 && s < 60 ? date.getTime() : null;
}

/**
 * Parses `raw` strictly: `YYYY-MM-DDThh:mm:ss[.f{1,7}](Z|±hh:mm)`, upper-case `T`/`Z`, a real
 * calendar date, no leap second, offset within ±23:59. Returns null for anything else, including
 * more than 7 fractional digits (which ticks could not hold exactly) and a missing offset.
 */
export function parseInstant(raw: string): Instant | null {
  const m = ISO.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', z, sign, oh = '0', om = '0'] = m;
  const ms = utcMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (ms === null || Number(oh) > 23 || Number(om) > 59) return null;
  const offsetMinutes = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const ticks =
    BigInt(ms) * TICKS_PER_MS + BigInt(fraction.padEnd(7, '0')) - BigInt(offsetMinutes) * TICKS_PER_MINUTE;
  return { raw, ticks, date: new Date(Number(floorDiv(ticks, TICKS_PER_MS))), offsetMinutes };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Formats ticks (100 ns since the Unix epoch) as `YYYY-MM-DDThh:mm:ss.fffffff` followed by `Z`
 * (offset 0) or `±hh:mm`, always with 7 fractional digits, in the wall-clock time of `offsetMinutes`.
 * `formatInstant(parseInstant(s).ticks, parseInstant(s).offsetMinutes)` returns `s` whenever `s`
 * has 7 fractional digits and a non-zero offset (Graph's usual form), and the same instant otherwise.
 */
export function formatInstant(ticks: bigint, offsetMinutes = 0): string {
  const local = ticks + BigInt(offsetMinutes) * TICKS_PER_MINUTE;
  const ms = floorDiv(local, TICKS_PER_MS);
  const subMs = Number(local - ms * TICKS_PER_MS);
  const d = new Date(Number(ms));
  const fraction = pad(d.getUTCMilliseconds() * 10_000 + subMs, 7);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${fraction}`;
  const abs = Math.abs(offsetMinutes);
  const offset =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  return `${date}T${time}${offset}`;
}
