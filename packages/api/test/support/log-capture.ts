import { pino, type Logger } from 'pino';

/** A pino destination that keeps every JSON line and lets a test wait for one. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  private waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];

  write(chunk: string): void {
    this.raw.push(chunk);
    const line = JSON.parse(chunk) as Record<string, unknown>;
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
  }

  /** The first line (already written or yet to come) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(
    match: (l: Record<string, unknown>) => boolean,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const found = this.lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching log line')), timeoutMs);
      this.waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  /** A logger writing into this capture (for `startTestGateway({ logger })`). */
  logger(level = 'info'): Logger {
    return pino({ level }, this);
  }
}
