import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { createEventBus, type EventBus } from '../events/event-bus.js';
import { loadIssuingCa } from '../modules/certificate/issuing-ca.js';
import { loadServiceCertificate } from '../modules/certificate/service-certificate.js';
import { enrollmentProfileRoutes } from '../modules/enrollment-profile/enrollment-profile.handler.js';
import { scepRoutes } from '../modules/scep/scep.handler.js';
import { seedDemoFleet } from '../modules/demo/demo-fleet.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import { createObservability, type Observability } from '../observability/observability.js';
import { buildGatewaySchema } from '../schema/build-schema.js';
import { createServices } from '../services.js';
import type { Services } from '../schema/build-schema.js';
import { SimulatedClock, systemClock, type Clock } from '../shared/clock.js';
import { startApollo, type HttpGraphQLContext, type RequestFacts } from './apollo.js';
import { createHttpEdge } from './http-handler.js';
import { RequestContext } from './request-context.js';
import { createLogger } from './logger.js';
import { attachGraphQLWebSocket } from './websocket.js';
import { queryLimitRules } from './query-limits.js';
import { createRateLimit } from './rate-limit.js';
import { AuditOutcome } from '../modules/audit/audit-record.entity.js';
import { Topic, type ApiTokenRevokedPayload } from '../events/topics.js';
import type { Principal } from '../modules/auth/principal.js';

/** How to start a gateway; everything but `config` has a production default. */
export interface GatewayOptions {
  config: Config;
  /** Source of "now" for every rule; default: the system clock. Tests pass a ManualClock. */
  clock?: Clock;
  logger?: Logger;
  /** Directory of the built dashboard to serve at `/`; nothing is served when absent. */
  dashboardDir?: string;
  /**
   * Share per-event work among subscribers: executed results of identical subscriptions and the
   * event's loads (default true); false only for the fan-out benchmark's baseline.
   */
  shareEventLoads?: boolean;
}

/** A running gateway. */
export interface Gateway {
  /** Base URL, e.g. `http://127.0.0.1:4000` (GraphQL at `/graphql`). */
  url: string;
  port: number;
  database: Database;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** This gateway's Prometheus metrics (the lifecycle sweeper reports through `recordSweep`). */
  metrics: GatewayMetrics;
  /** Where `/metrics` is served (main port or METRICS_PORT); undefined with METRICS_ENABLED=false. */
  metricsUrl?: string;
  /** The domain services (tests and benchmarks drive the sweeper and read fleet stats through them). */
  services: Services;
  /** Graceful stop: stop accepting, drain HTTP and WebSocket clients, close events and the ORM. Idempotent. */
  stop(): Promise<void>;
}

/** Starts database, events, schema, HTTP and WebSocket servers; resolves once listening. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const clock =
    options.clock ?? (config.clockSpeed > 1 ? new SimulatedClock(config.clockSpeed) : systemClock);
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase(config.database, logger);
  let events: EventBus | undefined;
  let http: FastifyInstance | undefined;
  let observability: Observability | undefined;
  try {
    events = await createEventBus(config.redisUrl, config.events.channelPrefix);
    observability = createObservability(config, database, events);
    const issuingCa = await loadIssuingCa(database.orm.em.fork(), config.certificates, clock, logger);
    const serviceCertificates = {
      scepRa: await loadServiceCertificate(database.orm.em.fork(), issuingCa.ca, clock, 'scep-ra'),
      profileSigner: await loadServiceCertificate(
        database.orm.em.fork(),
        issuingCa.ca,
        clock,
        'profile-signer',
      ),
    };
    const services = createServices(config, {
      serviceCertificates,
      database,
      events: observability.events,
      clock,
      logger,
      issuingCa,
      sweepRecorder: observability.metrics,
      pushRecorder: observability.metrics,
      shareEventLoads: options.shareEventLoads,
    });
    const schema = await buildGatewaySchema(services, observability.events.pubSub);
    observability.instrumentSchema(schema);
    services.fleetStats.start();
    const stopPrefetching = services.eventDevices.prefetch(events);
    const stopRevocations = services.tokens.listenForRevocations(events);
    services.sweeper.start(config.certificates.sweepIntervalMs);
    if (config.clockSpeed > 1)
      logger.warn(
        { clockSpeed: config.clockSpeed },
        'simulated clock: time runs faster than real time (demo only)',
      );
    const bootstrapSecret = await services.tokens.ensureBootstrap(
      database.orm.em.fork(),
      config.auth.adminToken,
    );
    if (bootstrapSecret) {
      logger.warn(
        { bootstrapAdminToken: bootstrapSecret },
        'first start: an ADMIN token was generated; it is shown only this once',
      );
    }
    if (config.demoData) {
      await seedDemoFleet(database.orm.em.fork(), services.enrollment, logger);
      logger.info(
        { demoAdminToken: await services.tokens.createDemoToken(database.orm.em.fork()) },
        'demo mode: use this ADMIN token (Authorization: Bearer <token>)',
      );
    }

    const createContext = (
      requestId: string,
      facts: RequestFacts,
      principal: Principal | null,
      clientAddress: string | null,
    ): HttpGraphQLContext =>
      new RequestContext(
        requestId,
        facts,
        principal,
        clientAddress,
        database.orm.em as EntityManager,
        logger,
      );
    const authenticate = (secret: string) => services.tokens.authenticate(secret);
    const validationRules = queryLimitRules(config.queryLimits);
    // One budget per token for both transports: operations over graphql-ws spend from it as requests do.
    const rateLimit = createRateLimit(config.rateLimit);
    const eventBus = events;
    const gatewayMetrics = observability.metrics;
    // Apollo starts after the edge exists (its drain closes the edge's server).
    const apollo: { server?: Awaited<ReturnType<typeof startApollo>> } = {};
    http = await createHttpEdge({
      apollo: () => apollo.server,
      createContext,
      authenticate,
      rateLimit,
      isReady: () => database.isReady(),
      dashboardDir: options.dashboardDir,
      bodyLimitBytes: config.http.bodyLimitBytes,
      authenticatedGraphQLBodyLimitBytes: config.http.authenticatedGraphQLBodyLimitBytes,
      maxTokens: config.queryLimits.maxTokens,
      logger,
      metrics: observability.metricsRoute ? () => gatewayMetrics.exposition() : undefined,
      protocolRoutes: [
        ...services.appleMdm.routes(services.audit),
        ...scepRoutes(services.scep),
        ...enrollmentProfileRoutes(services.enrollmentProfiles),
      ],
    });
    const app = http;
    const closeWebSockets = attachGraphQLWebSocket(app.server, {
      schema,
      createContext: (id, principal, clientAddress) => createContext(id, {}, principal, clientAddress),
      authenticate,
      onDenied: (action, principal, clientAddress, reason) =>
        void services.audit.record({
          action,
          outcome: AuditOutcome.denied,
          code: 'FORBIDDEN',
          principal,
          clientAddress,
          requestId: null,
          args: { reason },
        }),
      validationRules,
      // The same settings as Apollo's over HTTP (apollo.ts).
      introspection: config.introspection,
      errorPolicy: {
        hideSchemaDetails: config.env === 'production',
      },
      maxTokens: config.queryLimits.maxTokens,
      logger,
      observer: observability.webSocketObserver,
      connectionInitTimeoutMs: config.webSocket.connectionInitTimeoutMs,
      shareResults: options.shareEventLoads,
      rateLimit,
      limits: config.webSocket,
      onTokenRevoked: (listener) =>
        eventBus.onEvent(Topic.ApiTokenRevoked, (payload) =>
          listener((payload as ApiTokenRevokedPayload).tokenId),
        ),
      stillValid: (tokenIds) => services.tokens.stillValid(tokenIds),
      revalidateIntervalMs: config.auth.tokenCacheTtlMs,
    });
    // Graceful stop of HTTP: stop accepting, finish requests in flight (new requests on open
    // keep-alive connections get 503), then after SHUTDOWN_TIMEOUT_MS close whatever is left.
    const drainHttp = async () => {
      const force = setTimeout(() => app.server.closeAllConnections(), config.http.shutdownTimeoutMs);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
    };
    const started = await startApollo(
      schema,
      drainHttp,
      config,
      closeWebSockets,
      observability.apolloPlugins,
    );
    apollo.server = started;
    await app.listen({ port: config.http.port, host: config.http.host });
    await observability.listen();
    const { port } = app.server.address() as AddressInfo;
    // A wildcard address is reachable on loopback; an IPv6 literal is bracketed in a URL.
    const bound =
      config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const host = bound.includes(':') ? `[${bound}]` : bound;
    const bus = events;
    const obs = observability;
    let stopping: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      port,
      metrics: obs.metrics,
      metricsUrl: obs.metricsUrl(`http://${host}:${port}`),
      database,
      events: bus,
      clock,
      logger,
      services,
      stop: () =>
        (stopping ??= (async () => {
          await services.sweeper.stop();
          await services.appleMdm.push.stop();
          stopPrefetching();
          stopRevocations();
          await started.stop();
          await obs.stop();
          await services.fleetStats.stop();
          await bus.close();
          await database.close();
        })()),
    };
  } catch (error) {
    await http?.close();
    await observability?.stop();
    await events?.close();
    await database.close();
    throw error;
  }
}
