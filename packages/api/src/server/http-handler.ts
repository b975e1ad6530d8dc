import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteHandlerMethod,
} from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../modules/auth/principal.js';
import type { HttpGraphQLContext, RequestFacts } from './apollo.js';
import { bearerSecret } from './authentication.js';
import { registerDashboard } from './dashboard-static.js';
import type { ProtocolRoute } from './protocol-route.js';
import { checkTokenLimit } from './query-limits.js';
import type { RateLimit } from './rate-limit.js';
import { decodeUtf8 } from '../shared/utf8.js';

/** What the HTTP edge needs from the rest of the gateway. */
export interface HttpEdge {
  /** The started Apollo Server, or undefined while the gateway starts or stops (503). */
  apollo: () => ApolloServer<HttpGraphQLContext> | undefined;
  createContext: (
    requestId: string,
    facts: RequestFacts,
    principal: Principal | null,
    clientAddress: string | null,
  ) => HttpGraphQLContext;
  /** The principal of a token secret, or null when it is unknown, expired or revoked. */
  authenticate: (secret: string) => Promise<Principal | null>;
  rateLimit: RateLimit;
  isReady: () => Promise<boolean>;
  /** Directory of the built dashboard, served at `/` (index.html) and its files; none when absent. */
  dashboardDir?: string;
  /**
   * Largest body in bytes of a request without a valid API token (devices, anonymous callers), and
   * of protocol routes that name no limit of their own. Larger requests get 413 before any parsing.
   */
  bodyLimitBytes: number;
  /** Largest body in bytes of a `/graphql` request carrying a valid API token (imports); at least `bodyLimitBytes`. */
  authenticatedGraphQLBodyLimitBytes: number;
  /** Most lexical tokens per document, checked before Apollo parses it. */
  maxTokens: number;
  logger: Logger;
  /** The Prometheus exposition for `GET /metrics`; absent when metrics are off or on their own port. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Device protocol routes (Apple MDM, SCEP, enrollment profiles), matched by exact path. */
  protocolRoutes?: readonly ProtocolRoute[];
}

/** Request ids supplied by a proxy are kept only when they are short and printable. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** What the edge keeps about one request between its hooks. */
interface RequestState {
  started: bigint;
  traceId: string | undefined;
  facts: RequestFacts;
  principal: Principal | null;
  /** The body limit that applies to this request, in bytes (named in the 413 answer). */
  bodyLimit: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    edge: RequestState;
  }
}

/** A body over the request's limit: HTTP 413 with the typed `PAYLOAD_TOO_LARGE` error. */
class PayloadTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** A `/graphql` body the edge cannot read (not JSON): HTTP 400, `BAD_REQUEST`. */
class BadRequestBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'BAD_REQUEST';
}

/**
 * The gateway's HTTP server (Fastify): `/graphql` (GET and POST, through Apollo's Fastify
 * integration), `/healthz` (process up), `/readyz` (database reachable, migrations applied),
 * `/metrics`, the device protocol routes, and the dashboard (`/` and its built files). Anything
 * else is 404, a wrong method on a known path 405 with `Allow`; both JSON. One JSON access log line
 * per request, carrying the request id that is also sent back in `x-request-id`.
 *
 * graphql-ws shares the port: attach it to the returned instance's `server` (upgrade requests
 * never reach Fastify's router).
 */
export async function createHttpEdge(edge: HttpEdge): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: edge.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const supplied = req.headers['x-request-id'];
      return typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
    },
    // Requests that arrive on open keep-alive connections while the gateway drains get 503.
    return503OnClosing: true,
    // Node's own defaults, which Fastify replaces with none (0) and 72 s: a client has 5 minutes to
    // send a whole request, and an idle keep-alive connection is closed after 5 s.
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
  });
  // Declared up front (null) so every request object has the same shape; set by the first hook.
  app.decorateRequest<RequestState | null>('edge', null);

  // Paths and their methods, for 405 (Fastify itself answers an unrouted method with 404).
  const allowed = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = allowed.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    allowed.set(route.url, methods);
  });

  app.addHook('onRequest', async (request, reply) => {
    // With tracing on, the HTTP server span is active here: its trace id links the log line to the trace.
    const spanContext = trace.getActiveSpan()?.spanContext();
    request.edge = {
      started: process.hrtime.bigint(),
      traceId: spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined,
      facts: {},
      principal: null,
      bodyLimit: request.routeOptions.bodyLimit ?? edge.bodyLimitBytes,
    };
    void reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const { started, traceId, facts } = request.edge;
    const status = reply.statusCode;
    edge.logger.info(
      {
        requestId: request.id,
        traceId,
        method: request.method,
        path: pathOf(request.url),
        status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        operationName: facts.operationName ?? undefined,
        operationType: facts.operationType,
        role: facts.role,
        outcome: status >= 400 || (facts.errorCodes?.length ?? 0) > 0 ? 'error' : 'ok',
        errorCodes: facts.errorCodes,
      },
      'request',
    );
  });

  app.setErrorHandler((error: FastifyError | PayloadTooLargeError | BadRequestBodyError, request, reply) => {
    const requestId = request.id;
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({
        errors: [
          {
            message: `request body exceeds ${request.edge?.bodyLimit ?? edge.bodyLimitBytes} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE', requestId },
          },
        ],
      });
    }
    if (status >= 400 && status < 500) {
      // Fastify's own refusals (malformed Content-Type or Content-Length, ...) and ours.
      return reply.code(status).send({
        errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST', requestId } }],
      });
    }
    edge.logger.error({ err: error, requestId }, 'request failed');
    return reply.code(500).send({
      errors: [
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } },
      ],
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const methods = allowed.get(pathOf(request.url));
    if (methods) {
      return reply
        .code(405)
        .header('allow', [...methods].sort().join(', '))
        .send({ error: 'method not allowed' });
    }
    return reply.code(404).send({ error: 'not found' });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await edge.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  if (edge.metrics) {
    const exposition = edge.metrics;
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await exposition();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    });
  }

  await app.register(async (scope) => registerGraphQL(scope, edge));
  await app.register(async (scope) => registerProtocolRoutes(scope, edge));
  if (edge.dashboardDir) {
    const root = edge.dashboardDir;
    await app.register(async (scope) => registerDashboard(scope, root));
  }
  return app;
}

/**
 * `/graphql` over HTTP. Before the body is read: authentication, then the rate limit (429 with
 * `Retry-After`), then the body limit of the caller (a valid token allows the larger import
 * limit). Then the token count, before Apollo parses the document; then Apollo (CSRF prevention,
 * no batching).
 */
async function registerGraphQL(scope: FastifyInstance, edge: HttpEdge): Promise<void> {
  const routeLimit = Math.max(edge.bodyLimitBytes, edge.authenticatedGraphQLBodyLimitBytes);
  // Every body is read as bytes, whatever its type, and handed to Apollo as the GraphQL-over-HTTP
  // spec has it: JSON for `application/json` (and `application/graphql-response+json`), the text
  // otherwise (Apollo then refuses the type with its own error).
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const text = decodeUtf8(body);
    if (text === null) return done(new BadRequestBodyError('request body is not valid UTF-8'), undefined);
    if (!/^application\/(graphql-response\+)?json\b/i.test(request.headers['content-type'] ?? ''))
      return done(null, text);
    try {
      done(null, text.length > 0 ? JSON.parse(text) : {});
    } catch {
      done(new BadRequestBodyError('request body is not valid JSON'), undefined);
    }
  });

  let apolloHandler: RouteHandlerMethod | undefined;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as { query?: unknown } | string | undefined;
    const source =
      typeof body === 'object' && body !== null && typeof body.query === 'string'
        ? body.query
        : new URLSearchParams(searchOf(request.url)).get('query');
    if (source) {
      try {
        checkTokenLimit(source, edge.maxTokens);
      } catch (error) {
        return reply.code(400).send({
          errors: [
            {
              message: (error as Error).message,
              extensions: { code: 'BAD_USER_INPUT', requestId: request.id },
            },
          ],
        });
      }
    }
    // The integration builds the request's URL from its Host header (an HTTP/1.0 request may have none).
    if (!URL.canParse(`http://${request.hostname}/`))
      throw new BadRequestBodyError('the Host header is not a valid host');
    apolloHandler ??= fastifyApolloHandler<HttpGraphQLContext>(edge.apollo()!, {
      context: async (req) =>
        edge.createContext(req.id, req.edge.facts, req.edge.principal, req.socket.remoteAddress ?? null),
    }) as RouteHandlerMethod;
    return apolloHandler.call(scope, request, reply);
  };

  scope.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    bodyLimit: routeLimit,
    exposeHeadRoute: false,
    async onRequest(request, reply) {
      if (!edge.apollo()) {
        return reply.code(503).send({ errors: [{ message: 'gateway is starting or stopping' }] });
      }
      const secret = bearerSecret(request.headers.authorization);
      const principal = secret ? await edge.authenticate(secret) : null;
      request.edge.principal = principal;
      request.edge.facts.role = principal?.role;
      request.edge.bodyLimit = principal ? routeLimit : edge.bodyLimitBytes;
      const clientAddress = request.socket.remoteAddress ?? 'unknown';
      const retryAfter = await edge.rateLimit.consume(
        principal ? { tokenId: principal.tokenId } : { address: clientAddress },
      );
      if (retryAfter !== null) {
        return reply
          .code(429)
          .header('retry-after', String(retryAfter))
          .send({
            errors: [
              {
                message: `rate limit exceeded; retry after ${retryAfter} s`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, requestId: request.id },
              },
            ],
          });
      }
    },
    async preParsing(request, _reply, payload) {
      const limit = request.edge.bodyLimit;
      if (limit >= routeLimit || request.method === 'GET') return payload;
      if (Number(request.headers['content-length']) > limit) throw new PayloadTooLargeError();
      return limitStream(payload, limit);
    },
    handler,
  });
}

/**
 * The device protocol routes: each body read as bytes whatever its content type (plist, PKCS#7,
 * SCEP's messages), within the route's own limit, and handed to the transport-free handler.
 */
async function registerProtocolRoutes(scope: FastifyInstance, edge: HttpEdge): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: Buffer, done) => done(null, body));
  for (const route of edge.protocolRoutes ?? []) {
    scope.route({
      method: route.method,
      url: route.path,
      bodyLimit: route.bodyLimitBytes ?? edge.bodyLimitBytes,
      exposeHeadRoute: false,
      // Before the body is read: a caller over its budget costs no parsing or signature check.
      async onRequest(request, reply) {
        const retryAfter = await edge.rateLimit.consume({
          protocolAddress: request.socket.remoteAddress ?? 'unknown',
        });
        if (retryAfter !== null)
          return reply
            .code(429)
            .header('retry-after', String(retryAfter))
            .header('content-type', 'text/plain; charset=utf-8')
            .send(`RATE_LIMITED: retry after ${retryAfter} s\n`);
      },
      async handler(request, reply) {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const response = await route.handle({
          method: request.method,
          path: pathOf(request.url),
          query: new URLSearchParams(searchOf(request.url)),
          headers,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          clientAddress: request.socket.remoteAddress ?? null,
          requestId: request.id,
        });
        void reply.code(response.status);
        for (const [name, value] of Object.entries(response.headers ?? {})) void reply.header(name, value);
        return reply.send(response.body ?? '');
      },
    });
  }
}

/** Passes `payload` through, failing with 413 as soon as more than `limit` bytes have come. */
function limitStream(payload: NodeJS.ReadableStream, limit: number): Transform {
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > limit ? new PayloadTooLargeError() : null, chunk);
    },
  });
  payload.on('error', (error) => limited.destroy(error));
  return payload.pipe(limited);
}

/** The path of a request target, without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The query string of a request target, with its `?`, or ''. */
function searchOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? '' : url.slice(query);
}
