import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Boolean environment flag: `true`/`false`/`1`/`0`/`yes`/`no` (case-insensitive).
 * Plain `z.coerce.boolean()` would read the string "false" as true.
 */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO'])
  .transform((v) => ['true', '1', 'yes'].includes(v.toLowerCase()));

const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: 'must be a postgres:// or postgresql:// URL',
});

/**
 * Every environment variable the gateway reads, with its default. This schema is the only
 * place that knows about `process.env`; `.env.example` lists the same variables.
 */
const EnvSchema = z.object({
  /** `production` masks internal errors and hides stack traces; default `development`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port for HTTP (`/graphql`, `/healthz`, `/readyz`) and graphql-ws (same path); default 4000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /**
   * Interface to bind HTTP, graphql-ws and METRICS_PORT to; default `127.0.0.1` (this machine only).
   * `0.0.0.0` (or `::`) opens the gateway to the network: set it in a container or behind a proxy.
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * PostgreSQL 15+ server. Unset: an embedded PostgreSQL (PGlite) runs inside the process. A
   * libpq-style `?host=/var/run/postgresql` connects over that Unix socket directory (cheaper per
   * statement than loopback TCP when the server is on the same machine).
   */
  DATABASE_URL: postgresUrl.optional(),
  /** Directory of the embedded database (only used without `DATABASE_URL`); default `./data`. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Redis for events shared across gateway instances. Unset: in-process pub/sub. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** Connections in the PostgreSQL pool; default 10. The embedded database always uses one (a single session). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** pino level: fatal, error, warn, info, debug, trace, silent; default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Seed the demo fleet on an empty database. Unset: seeded only when started with `--demo`
   * (the README's start command); `false` turns it off even then.
   */
  DEMO_DATA: flag.optional(),
  /**
   * Largest accepted HTTP request body in bytes, for requests without a valid API token (devices,
   * anonymous callers) and for device protocol routes that set no limit of their own; default 6 MiB.
   * Larger bodies get 413 `PAYLOAD_TOO_LARGE` before they are parsed.
   */
  REQUEST_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(6 * 1024 * 1024),
  /**
   * Largest `/graphql` body in bytes for a request with a valid API token (the imports); default
   * 32 MiB: the largest import file, a 20 MiB Microsoft Graph export, sent as a JSON string
   * variable (escaping adds a backslash before each quote: about 15 % for Graph's compact JSON).
   * At least REQUEST_BODY_LIMIT_BYTES.
   */
  GRAPHQL_AUTHENTICATED_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /** How long a graceful shutdown waits for in-flight requests, in milliseconds; default 10000. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Serve introspection even in production; default: on outside production, off in production. */
  INTROSPECTION: flag.optional(),
  /**
   * Execute HTTP operations through queries compiled by graphql-jit (cached per document), with
   * graphql-js for what it cannot compile; `false` runs every operation through graphql-js. Default true.
   */
  GRAPHQL_COMPILED_EXECUTION: flag.default(true),
  /** How many compiled queries (document × operation name) are kept, least recently used evicted; default 1000. */
  GRAPHQL_COMPILED_QUERY_CACHE_SIZE: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** Default page size of list fields when `first` is omitted; default 50. */
  PAGE_SIZE_DEFAULT: z.coerce.number().int().min(1).default(50),
  /** Largest page a client may ask for with `first`; default 500. */
  PAGE_SIZE_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  /** A bootstrap ADMIN token secret (`mdm_` + at least 32 characters). Unset: one is generated and printed once on the first start. */
  ADMIN_TOKEN: z
    .string()
    .regex(/^mdm_[A-Za-z0-9_-]{32,200}$/, { error: 'must be "mdm_" followed by 32-200 base64url characters' })
    .optional(),
  /** How long a verified token stays cached, in milliseconds (a revocation on another instance takes effect within this); default 5000. */
  TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Requests per minute per API token; 0 turns the limit off; default 6000. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /** Requests per minute per client address without a token (devices checking in); 0 turns it off; default 60000. */
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(0).default(60_000),
  /**
   * Requests per minute per client address to the device protocol routes (Apple check-in and
   * command URLs, SCEP, enrollment profiles), a budget of their own; 0 turns it off; default
   * 12000 (a site's devices behind one NAT address each check in every few minutes).
   */
  RATE_LIMIT_DEVICE_PROTOCOL_PER_MINUTE: z.coerce.number().int().min(0).default(12_000),
  /** Deepest selection set accepted (graphql-armor max-depth); default 12. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  /**
   * Deepest introspection selection accepted (`__schema`, `__type`); default 15, the depth of
   * graphql-js's standard introspection query. Introspection is limited apart because its type
   * references nest `ofType` deeper than data queries go; the larger of this and GRAPHQL_MAX_DEPTH applies.
   */
  GRAPHQL_MAX_INTROSPECTION_DEPTH: z.coerce.number().int().min(1).default(15),
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
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** `service.name` of the gateway's spans; default `mdm-gateway`. */
  OTEL_SERVICE_NAME: z.string().min(1).default('mdm-gateway'),
  /**
   * Secret (>= 16 characters) that seals the generated CA private key at rest (scrypt + AES-256-GCM).
   * Required in production unless the CA is supplied (CA_CERT_PEM/FILE and CA_KEY_PEM/FILE). Outside production, when
   * unset, one is generated on first start and kept in the database beside the CA, with a warning.
   */
  CA_KEY_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** Operator-supplied issuing CA certificate (PEM text). Use with CA_KEY_PEM; or use the *_FILE variables. */
  CA_CERT_PEM: z.string().optional(),
  /** Private key (unencrypted PEM: PKCS#8, SEC1 or PKCS#1) of CA_CERT_PEM. */
  CA_KEY_PEM: z.string().optional(),
  /** Path of a PEM file holding the CA certificate (alternative to CA_CERT_PEM). */
  CA_CERT_FILE: z.string().optional(),
  /** Path of a PEM file holding the CA private key (alternative to CA_KEY_PEM). */
  CA_KEY_FILE: z.string().optional(),
  /**
   * The APNs push certificate of the MDM service (PEM text), from Apple's Push Certificates Portal:
   * enrollment profiles carry its topic (the certificate's UID, `com.apple.mgmt.External.<uuid>`),
   * and pushes are signed with it. Unset (the demo): profiles carry a placeholder topic and
   * pushes are off. Or APNS_CERT_FILE.
   */
  APNS_CERT_PEM: z.string().optional(),
  /** Path of a PEM file holding the APNs push certificate (alternative to APNS_CERT_PEM). */
  APNS_CERT_FILE: z.string().optional(),
  /** Private key of the APNs push certificate (unencrypted PEM), for sending pushes. Or APNS_KEY_FILE. */
  APNS_KEY_PEM: z.string().optional(),
  /** Path of a PEM file holding the APNs push certificate's key (alternative to APNS_KEY_PEM). */
  APNS_KEY_FILE: z.string().optional(),
  /** Organization (O=) of a generated CA and of device certificate subjects; default `MDM Enrollment Gateway`. */
  CA_ORGANIZATION: z.string().trim().min(1).max(64).default('MDM Enrollment Gateway'),
  /** Validity of device certificates in days (notAfter = issuance + days x 86 400 s); default 365. */
  CERT_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Seconds notBefore is backdated to tolerate slow device clocks; default 300. */
  CERT_BACKDATE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** A check-in renews the certificate when fewer than this many days of validity remain; default 30. */
  CERT_RENEWAL_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** Days-left thresholds at which the sweeper reports a certificate expiring, comma-separated; default `30,7,1`. */
  CERT_EXPIRING_THRESHOLDS_DAYS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, {
      error: 'must be comma-separated whole numbers of days, e.g. 30,7,1',
    })
    .default('30,7,1'),
  /** Days after certificate expiry at which the sweeper removes the device (seed: 180); default 180. */
  DEVICE_REMOVAL_AFTER_EXPIRY_DAYS: z.coerce.number().int().min(0).max(36_500).default(180),
  /** Largest accepted |now - timestamp| of a check-in proof, in seconds; default 300. */
  CHECK_IN_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  /**
   * Hours a SCEP-issued certificate may wait for its device's first check-in (Apple's
   * Authenticate, or a renewed identity's first message): after that the lifecycle sweep ends the
   * pending enrollment (refused, PENDING_ENROLLMENT_EXPIRED) and revokes the certificate; default 24.
   */
  PENDING_ENROLLMENT_TTL_HOURS: z.coerce.number().int().min(1).max(8_760).default(24),
  /** Days of check-in history kept (the dashboard shows recent check-ins); default 30. */
  CHECK_IN_HISTORY_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  /** Milliseconds between lifecycle sweeps; 0 runs them only on demand (`runLifecycleSweep`); default 60000. */
  LIFECYCLE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Speed of the gateway clock relative to real time, for demos (e.g. 1440: a day per minute).
   * Default 1 (real time). Refused in production.
   */
  CLOCK_SPEED: z.coerce.number().min(1).max(1_000_000).default(1),
  /** Least milliseconds between two `fleetStats` pushes (changes in between are coalesced); default 250. */
  FLEET_STATS_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /** Prefix of the Redis pub/sub channels, so several deployments can share one Redis; default `mdm:`. */
  EVENTS_CHANNEL_PREFIX: z.string().max(64).default('mdm:'),
  /** Milliseconds a graphql-ws client has to send `connection_init` before close 4408; default 3000. */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(3_000),
  /**
   * Open graphql-ws connections this instance accepts in all; one more is closed at once with
   * 1013 (Try Again Later). Default 10000.
   */
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /**
   * Open graphql-ws connections one API token may hold on this instance; one more is closed with
   * 1008 (Policy Violation) after connection_init. Default 5000 (a fleet of dashboards often shares one token).
   */
  WS_MAX_CONNECTIONS_PER_TOKEN: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  /**
   * Operations one graphql-ws socket may run at once (subscriptions, and queries or mutations in
   * flight); one more is refused with TOO_MANY_OPERATIONS, the socket stays open. Default 100.
   */
  WS_MAX_OPERATIONS_PER_SOCKET: z.coerce.number().int().min(1).max(100_000).default(100),
  /**
   * Bytes a graphql-ws socket may have queued unsent (its reader is slower than its events)
   * before it is dropped (close 1008, then the connection is cut). Default 1048576 (1 MiB).
   */
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Public base URL of the gateway, written into exported Apple Configurator profiles; default `http://localhost:<PORT>`. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /**
   * Devices one device enrollment manager account may have enrolled (seed: Device enrollment
   * manager; Intune's cap is 1,000); 1-1000, default 1000.
   */
  DEM_DEVICE_LIMIT: z.coerce.number().int().min(1).max(1000).default(1000),
  /**
   * Header in which a TLS-terminating proxy forwards the device's client certificate to Apple's
   * MDM endpoints (PEM, URL-encoded as nginx's `$ssl_client_escaped_cert`, or base64 DER). Unset:
   * devices authenticate only by `Mdm-Signature`. Set it only behind a proxy that overwrites the
   * header: anyone reaching the gateway directly could otherwise claim any certificate.
   */
  APPLE_MDM_CLIENT_CERT_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
  /** APNs host[:port]; default `api.push.apple.com` (tests point it at a local HTTP/2 server). */
  APNS_HOST: z.string().min(1).default('api.push.apple.com'),
  /** Extra CA (PEM file) to trust for APNS_HOST; tests only. Unset: the system's CAs. */
  APNS_CA_FILE: z.string().optional(),
  /** Attempts per push (first try included) with exponential backoff from APNS_RETRY_BASE_MS; default 4 and 500. */
  APNS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  APNS_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
});

/** The validated, typed configuration every other module receives (never `process.env`). */
export interface Config {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    authenticatedGraphQLBodyLimitBytes: number;
    shutdownTimeoutMs: number;
  };
  database: { url?: string; dataDir: string; poolSize: number };
  redisUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demoData: boolean;
  introspection: boolean;
  pagination: { defaultSize: number; maxSize: number };
  auth: { adminToken?: string; tokenCacheTtlMs: number };
  rateLimit: { perTokenPerMinute: number; anonymousPerMinute: number; deviceProtocolPerMinute: number };
  queryLimits: {
    maxDepth: number;
    /** Depth limit of introspection selections (GRAPHQL_MAX_INTROSPECTION_DEPTH, default 15). */
    maxIntrospectionDepth: number;
    maxCost: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
  };
  /** How HTTP operations are executed (see server/compiled-executor.ts). */
  graphql: { compiledExecution: boolean; compiledQueryCacheSize: number };
  /** Prometheus metrics: off entirely when `enabled` is false; `port` set: a separate listener. */
  metrics: { enabled: boolean; port?: number };
  /** OpenTelemetry tracing: on when `otlpEndpoint` is set (see observability/tracing.ts). */
  tracing: { otlpEndpoint?: string; serviceName: string };
  /** The PKI and the certificate lifecycle (see docs/certificates.md). */
  certificates: CertificateConfig;
  /** Speed of the simulated clock (1 = real time). */
  clockSpeed: number;
  events: { channelPrefix: string; fleetStatsMinIntervalMs: number };
  /** graphql-ws: the init timeout and the limits that keep one client from starving the others. */
  webSocket: {
    connectionInitTimeoutMs: number;
    maxConnections: number;
    maxConnectionsPerToken: number;
    maxOperationsPerSocket: number;
    maxBufferedBytes: number;
  };
  enrollment: { demDeviceLimit: number; publicUrl: string };
  /** Apple's MDM protocol endpoints and APNs (docs/enrollment.md). */
  appleMdm: { clientCertificateHeader?: string; push: PushConfig };
}

/** How Apple devices are woken (APNs); `certificatePem` unset: pushes are off. */
export interface PushConfig {
  certificatePem?: string;
  keyPem?: string;
  host: string;
  caPem?: string;
  maxAttempts: number;
  retryBaseMs: number;
}

/** Certificate and lifecycle settings, each documented on its environment variable above. */
export interface CertificateConfig {
  keySecret?: string;
  /** An operator-supplied CA (both PEMs), or undefined to use/create the one stored in the database. */
  suppliedCa?: { certificatePem: string; keyPem: string };
  organization: string;
  validityDays: number;
  backdateSeconds: number;
  renewalWindowDays: number;
  /** Distinct thresholds, largest first (e.g. [30, 7, 1]). */
  expiringThresholdsDays: number[];
  removalAfterExpiryDays: number;
  maxSkewSeconds: number;
  checkInHistoryDays: number;
  /** PENDING_ENROLLMENT_TTL_HOURS. */
  pendingEnrollmentTtlHours: number;
  sweepIntervalMs: number;
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
  const problems: string[] = [];
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX)
    problems.push(`PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX (${e.PAGE_SIZE_MAX})`);
  if (e.GRAPHQL_AUTHENTICATED_BODY_LIMIT_BYTES < e.REQUEST_BODY_LIMIT_BYTES)
    problems.push(
      `GRAPHQL_AUTHENTICATED_BODY_LIMIT_BYTES: must be at least REQUEST_BODY_LIMIT_BYTES (${e.REQUEST_BODY_LIMIT_BYTES})`,
    );
  const certificatePem = e.CA_CERT_PEM ?? readPem('CA_CERT_FILE', e.CA_CERT_FILE, problems);
  const keyPem = e.CA_KEY_PEM ?? readPem('CA_KEY_FILE', e.CA_KEY_FILE, problems);
  if ((certificatePem === undefined) !== (keyPem === undefined)) {
    problems.push(
      'CA_CERT_PEM/CA_KEY_PEM: give both the CA certificate and its key (or both *_FILE variables), or neither',
    );
  }
  if (e.NODE_ENV === 'production' && !e.CA_KEY_SECRET && certificatePem === undefined) {
    problems.push(
      'CA_KEY_SECRET: required in production to seal the generated CA key (or supply the CA with CA_CERT_PEM/CA_KEY_PEM)',
    );
  }
  if (e.NODE_ENV === 'production' && e.CLOCK_SPEED !== 1)
    problems.push('CLOCK_SPEED: the simulated clock is for demos; it must be 1 in production');
  const thresholds = [
    ...new Set(e.CERT_EXPIRING_THRESHOLDS_DAYS.split(',').map((t) => Number(t.trim()))),
  ].sort((a, b) => b - a);
  if (thresholds.some((t) => t < 1))
    problems.push('CERT_EXPIRING_THRESHOLDS_DAYS: every threshold must be at least 1 day');
  const apnsCertificatePem = e.APNS_CERT_PEM ?? readPem('APNS_CERT_FILE', e.APNS_CERT_FILE, problems);
  const apnsKeyPem = e.APNS_KEY_PEM ?? readPem('APNS_KEY_FILE', e.APNS_KEY_FILE, problems);
  if ((apnsCertificatePem === undefined) !== (apnsKeyPem === undefined))
    problems.push(
      'APNS_CERT_PEM/APNS_KEY_PEM: give both the push certificate and its key (or both *_FILE variables), or neither',
    );
  const apnsCaPem = readPem('APNS_CA_FILE', e.APNS_CA_FILE, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.REQUEST_BODY_LIMIT_BYTES,
      authenticatedGraphQLBodyLimitBytes: e.GRAPHQL_AUTHENTICATED_BODY_LIMIT_BYTES,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR, poolSize: e.DB_POOL_SIZE },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA ?? argv.includes('--demo'),
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    pagination: { defaultSize: e.PAGE_SIZE_DEFAULT, maxSize: e.PAGE_SIZE_MAX },
    auth: { adminToken: e.ADMIN_TOKEN, tokenCacheTtlMs: e.TOKEN_CACHE_TTL_MS },
    rateLimit: {
      perTokenPerMinute: e.RATE_LIMIT_PER_MINUTE,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      deviceProtocolPerMinute: e.RATE_LIMIT_DEVICE_PROTOCOL_PER_MINUTE,
    },
    queryLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxIntrospectionDepth: e.GRAPHQL_MAX_INTROSPECTION_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    graphql: {
      compiledExecution: e.GRAPHQL_COMPILED_EXECUTION,
      compiledQueryCacheSize: e.GRAPHQL_COMPILED_QUERY_CACHE_SIZE,
    },
    metrics: { enabled: e.METRICS_ENABLED, port: e.METRICS_PORT },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    certificates: {
      keySecret: e.CA_KEY_SECRET,
      suppliedCa:
        certificatePem !== undefined && keyPem !== undefined ? { certificatePem, keyPem } : undefined,
      organization: e.CA_ORGANIZATION,
      validityDays: e.CERT_VALIDITY_DAYS,
      backdateSeconds: e.CERT_BACKDATE_SECONDS,
      renewalWindowDays: e.CERT_RENEWAL_WINDOW_DAYS,
      expiringThresholdsDays: thresholds,
      removalAfterExpiryDays: e.DEVICE_REMOVAL_AFTER_EXPIRY_DAYS,
      maxSkewSeconds: e.CHECK_IN_MAX_SKEW_SECONDS,
      checkInHistoryDays: e.CHECK_IN_HISTORY_DAYS,
      pendingEnrollmentTtlHours: e.PENDING_ENROLLMENT_TTL_HOURS,
      sweepIntervalMs: e.LIFECYCLE_SWEEP_INTERVAL_MS,
    },
    clockSpeed: e.CLOCK_SPEED,
    events: {
      channelPrefix: e.EVENTS_CHANNEL_PREFIX,
      fleetStatsMinIntervalMs: e.FLEET_STATS_MIN_INTERVAL_MS,
    },
    webSocket: {
      connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS,
      maxConnections: e.WS_MAX_CONNECTIONS,
      maxConnectionsPerToken: e.WS_MAX_CONNECTIONS_PER_TOKEN,
      maxOperationsPerSocket: e.WS_MAX_OPERATIONS_PER_SOCKET,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    },
    enrollment: {
      demDeviceLimit: e.DEM_DEVICE_LIMIT,
      publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    },
    appleMdm: {
      clientCertificateHeader: e.APPLE_MDM_CLIENT_CERT_HEADER?.toLowerCase(),
      push: {
        certificatePem: apnsCertificatePem,
        keyPem: apnsKeyPem,
        host: e.APNS_HOST,
        caPem: apnsCaPem,
        maxAttempts: e.APNS_MAX_ATTEMPTS,
        retryBaseMs: e.APNS_RETRY_BASE_MS,
      },
    },
  };
}

/** Reads a PEM file named by a *_FILE variable; an unreadable file is a configuration problem. */
function readPem(variable: string, path: string | undefined, problems: string[]): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`${variable}: cannot read ${path}: ${(error as Error).message}`);
    return undefined;
  }
}
