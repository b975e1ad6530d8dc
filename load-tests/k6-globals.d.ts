// k6 provides `console` in every context; @types/k6 does not declare it.
declare const console: {
  log(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
};
