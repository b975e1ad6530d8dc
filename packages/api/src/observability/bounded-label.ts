/**
 * Keeps a metric label's set of values small whatever the clients send: the first `limit`
 * distinct acceptable values are kept, later new ones (and anything outside `pattern`) become
 * `overflow`. Prometheus stores one series per label combination, so an unbounded label (an
 * operation name a client invents per request) would grow memory without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  /**
   * @param limit    most distinct values kept; default 100
   * @param overflow value reported once the limit is reached or a value is rejected; default `__other__`
   * @param pattern  values accepted at all; default GraphQL names (letters, digits, `_`, at most 64)
   */
  constructor(
    private readonly limit = 100,
    private readonly overflow = '__other__',
    private readonly pattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
  ) {}

  /** The label value to record for `value`. */
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (!this.pattern.test(value) || this.seen.size >= this.limit) return this.overflow;
    this.seen.add(value);
    return value;
  }
}

/** A label restricted to a fixed vocabulary (enum values, error codes); anything else is `other`. */
export class ClosedLabel {
  private readonly allowed: ReadonlySet<string>;

  /**
   * @param values the vocabulary
   * @param other  value reported for anything outside it; default `OTHER`
   */
  constructor(
    values: Iterable<string>,
    private readonly other = 'OTHER',
  ) {
    this.allowed = new Set(values);
  }

  /** `value` when it is in the vocabulary, else the `other` value. */
  of(value: unknown): string {
    return typeof value === 'string' && this.allowed.has(value) ? value : this.other;
  }
}
