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
  /**
   * Devices one device enrollment manager account may have enrolled (seed: Device enrollment
   * manager; Intune's cap is 1,000); 1-1000, default 1000.
   */
  /** Public base URL of the gateway, written into exported Apple Configurator profiles; default `http://localhost:4000`. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://localhost:4000'),
  DEM_DEVICE_LIMIT: z.coerce.number().int().min(1).max(1000).default(1000),
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
  enrollment: { demDeviceLimit: number; publicUrl: string };
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
    enrollment: { demDeviceLimit: e.DEM_DEVICE_LIMIT, publicUrl: e.PUBLIC_URL },
  };
}
