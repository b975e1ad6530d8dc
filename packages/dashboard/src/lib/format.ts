const DAY_MS = 86_400_000;

/** `2026-03-02 09:00:00 UTC` from an ISO instant; `—` for none. The dashboard shows UTC everywhere. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "just now", "5 s ago", "3 min ago", "2 h ago", "4 d ago" (or "in …" for the future), relative to `now`. */
export function formatRelative(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const deltaMs = new Date(iso).getTime() - now.getTime();
  const abs = Math.abs(deltaMs);
  const text =
    abs < 1_000
      ? null
      : abs < 60_000
        ? `${Math.floor(abs / 1_000)} s`
        : abs < 3_600_000
          ? `${Math.floor(abs / 60_000)} min`
          : abs < DAY_MS
            ? `${Math.floor(abs / 3_600_000)} h`
            : `${Math.floor(abs / DAY_MS)} d`;
  if (!text) return 'just now';
  return deltaMs < 0 ? `${text} ago` : `in ${text}`;
}

/**
 * Whole days from `now` until `iso` (negative once past), rounded down as a person counts
 * "days left": 1.9 days left is 1.
 */
export function daysLeft(iso: string, now: Date): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / DAY_MS);
}

/** The instant `days` whole UTC days after `iso`, as ISO. */
export function addDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * DAY_MS).toISOString();
}

/** `YES`/`NO`/`OPTIONAL` as the seed writes them. */
export function requirementLabel(value: string): string {
  return value === 'YES' ? 'Yes' : value === 'NO' ? 'No' : value === 'OPTIONAL' ? 'Optional' : value;
}
