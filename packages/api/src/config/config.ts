import { z } from 'zod';

/**
 * Boolean environment flag: `true`/`false`/`1`/`0`/`yes`/`no` (case-insensitive).
 * Plain `z.coerce.boolean()` would read the string "false" as true.
 */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO'])
  .transform((v) => ['true', '1', 'yes'].includes(v.toLowerCase()));

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' });

/**
 * Every environment variable the gateway reads, with its default. This schema is the only
 * place that knows about `process.env`; `.env.example` lists the same variables.
 */
const EnvSchema = z.object({
  /** `production` masks internal errors and hides stack traces; default `development`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port for HTTP (`/graphql`, `/healthz`, `/readyz`) and graphql-ws (same path); default 4000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Interface to bind; default `0.0.0.0` (all interfaces). */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** PostgreSQL 15+ server. Unset: an embedded PostgreSQL (PGlite) runs inside the process. */
  DATABASE_URL: postgresUrl.optional(),
  /** Directory of the embedded database (only used without `DATABASE_URL`); default `./data`. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Redis for events shared across gateway instances. Unset: in-process pub/sub. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** Connections in the PostgreSQL pool (and embedded socket server); default 10. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** pino level: fatal, error, warn, info, debug, trace, silent; default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Seed the demo fleet on an empty database. Unset: seeded only when started with `--demo`
   * (the README's start command); `false` turns it off even then.
   */
  DEMO_DATA: flag.optional(),
  /** Largest accepted HTTP request body, in bytes; default 6 MiB (a 5 MB import file plus JSON framing). */
  REQUEST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(6 * 1024 * 1024),
  /** How long a graceful shutdown waits for in-flight requests, in milliseconds; default 10000. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Serve introspection even in production; default: on outside production, off in production. */
  INTROSPECTION: flag.optional(),
  /** Default page size of list fields when `first` is omitted; default 50. */
  PAGE_SIZE_DEFAULT: z.coerce.number().int().min(1).default(50),
  /** Largest page a client may ask for with `first`; default 500. */
  PAGE_SIZE_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  /** A bootstrap ADMIN token secret (`mdm_` + at least 32 characters). Unset: one is generated and printed once on the first start. */
  ADMIN_TOKEN: z.string().regex(/^mdm_[A-Za-z0-9_-]{32,200}$/, { error: 'must be "mdm_" followed by 32-200 base64url characters' }).optional(),
  /** How long a verified token stays cached, in milliseconds (a revocation on another instance takes effect within this); default 5000. */
  TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Requests per minute per API token; 0 turns the limit off; default 6000. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /** Requests per minute per client address without a token (devices checking in); 0 turns it off; default 60000. */
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(0).default(60_000),
  /** Deepest selection set accepted (graphql-armor max-depth); default 12. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  /** Highest query cost accepted (graphql-armor cost-limit: objects 2, scalars 1, times depth factor 1.5); default 5000. */
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(5_000),
  /** Most aliases per document (graphql-armor max-aliases); default 15. */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  /** Most directives per document (graphql-armor max-directives); default 50. */
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  /** Most lexical tokens per document (graphql-armor max-tokens); default 2000. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(2_000),
  /** Collect Prometheus metrics and serve them at `/metrics`; default true. */
  METRICS_ENABLED: flag.default(true),
  /** Serve `/metrics` on this port (same `HOST`) instead of the main port; unset: main port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** OTLP/HTTP collector base URL (traces go to `<url>/v1/traces`); unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** `service.name` of the gateway's spans; default `mdm-gateway`. */
  OTEL_SERVICE_NAME: z.string().min(1).default('mdm-gateway'),
});

/** The validated, typed configuration every other module receives (never `process.env`). */
export interface Config {
  env: 'development' | 'production' | 'test';
  http: { host: string; port: number; bodyLimitBytes: number; shutdownTimeoutMs: number };
  database: { url?: string; dataDir: string; poolSize: number };
  redisUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demoData: boolean;
  introspection: boolean;
  pagination: { defaultSize: number; maxSize: number };
  auth: { adminToken?: string; tokenCacheTtlMs: number };
  rateLimit: { perTokenPerMinute: number; anonymousPerMinute: number };
  queryLimits: { maxDepth: number; maxCost: number; maxAliases: number; maxDirectives: number; maxTokens: number };
  /** Prometheus metrics: off entirely when `enabled` is false; `port` set: a separate listener. */
  metrics: { enabled: boolean; port?: number };
  /** OpenTelemetry tracing: on when `otlpEndpoint` is set (see observability/tracing.ts). */
  tracing: { otlpEndpoint?: string; serviceName: string };
}

/** Thrown by {@link loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment, reporting all problems at once.
 * @param env  variables to read; defaults to `process.env` (tests pass their own object)
 * @param argv command-line arguments; `--demo` asks for the demo fleet
 * @throws ConfigError listing every invalid variable
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  // Empty strings mean "not set", as docker-compose and .env files write them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX) {
    throw new ConfigError([`PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX (${e.PAGE_SIZE_MAX})`]);
  }
  return {
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT, bodyLimitBytes: e.REQUEST_BODY_LIMIT_BYTES, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR, poolSize: e.DB_POOL_SIZE },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA ?? argv.includes('--demo'),
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    pagination: { defaultSize: e.PAGE_SIZE_DEFAULT, maxSize: e.PAGE_SIZE_MAX },
    auth: { adminToken: e.ADMIN_TOKEN, tokenCacheTtlMs: e.TOKEN_CACHE_TTL_MS },
    rateLimit: { perTokenPerMinute: e.RATE_LIMIT_PER_MINUTE, anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE },
    queryLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    metrics: { enabled: e.METRICS_ENABLED, port: e.METRICS_PORT },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}
