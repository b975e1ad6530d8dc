import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Principal } from '../modules/auth/principal.js';
import type { HttpGraphQLContext, RequestFacts } from './apollo.js';
import { bearerSecret } from './authentication.js';
import type { ProtocolRoute } from './protocol-route.js';
import { checkTokenLimit } from './query-limits.js';
import type { RateLimit } from './rate-limit.js';
import { decodeUtf8 } from '../shared/utf8.js';

/** What the HTTP edge needs from the rest of the gateway. */
export interface HttpEdge {
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
  /** Serves the built dashboard, or calls `next` when the path is not one of its files. */
  serveStatic?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  bodyLimitBytes: number;
  /** Most lexical tokens per document, checked before Apollo parses it. */
  maxTokens: number;
  logger: Logger;
  /** Serves `GET /metrics` (Prometheus); absent when metrics are off or on their own port. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Device protocol routes (Apple MDM, SCEP, enrollment profiles), matched by exact path. */
  protocolRoutes?: readonly ProtocolRoute[];
}

/** Request ids supplied by a proxy are kept only when they are short and printable. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

class PayloadTooLargeError extends Error {}

/**
 * The gateway's HTTP routes: `/graphql` (GET and POST, through Apollo), `/healthz` (process up),
 * `/readyz` (database reachable, migrations applied), then the dashboard's files. One JSON access
 * log line per request, carrying the request id that is also sent back in `x-request-id`.
 */
export function createHttpHandler(edge: HttpEdge) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const supplied = req.headers['x-request-id'];
    const requestId = typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
    const facts: RequestFacts = {};
    // With tracing on, the HTTP server span is active here: its trace id links the log line to the trace.
    const spanContext = trace.getActiveSpan()?.spanContext();
    const traceId = spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      edge.logger.info(
        {
          requestId,
          traceId,
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          operationName: facts.operationName ?? undefined,
          operationType: facts.operationType,
          role: facts.role,
          outcome: res.statusCode >= 400 || (facts.errorCodes?.length ?? 0) > 0 ? 'error' : 'ok',
          errorCodes: facts.errorCodes,
        },
        'request',
      );
    });
    try {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const ready = await edge.isReady();
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      if (url.pathname === '/metrics' && edge.metrics) return await edge.metrics(req, res);
      if (url.pathname === '/graphql') return await handleGraphQL(edge, req, res, url, requestId, facts);
      const routes = edge.protocolRoutes?.filter((route) => route.path === url.pathname) ?? [];
      if (routes.length > 0) {
        const route = routes.find((candidate) => candidate.method === req.method);
        if (!route) {
          res.setHeader('allow', routes.map((candidate) => candidate.method).join(', '));
          return sendJson(res, 405, { error: 'method not allowed' });
        }
        return await handleProtocolRoute(edge, route, req, res, url, requestId);
      }
      if (edge.serveStatic)
        return edge.serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
      return sendJson(res, 404, { error: 'not found' });
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        return sendJson(res, 413, {
          errors: [
            {
              message: `request body exceeds ${edge.bodyLimitBytes} bytes`,
              extensions: { code: 'PAYLOAD_TOO_LARGE', requestId },
            },
          ],
        });
      }
      edge.logger.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [
            { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } },
          ],
        });
      else res.end();
    }
  };
}

async function handleGraphQL(
  edge: HttpEdge,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
  facts: RequestFacts,
): Promise<void> {
  const apollo = edge.apollo();
  if (!apollo) return sendJson(res, 503, { errors: [{ message: 'gateway is starting or stopping' }] });
  const secret = bearerSecret(req.headers.authorization);
  const principal = secret ? await edge.authenticate(secret) : null;
  const clientAddress = req.socket.remoteAddress ?? null;
  facts.role = principal?.role;
  const retryAfter = await edge.rateLimit.consume(
    principal ? { tokenId: principal.tokenId } : { address: clientAddress ?? 'unknown' },
  );
  if (retryAfter !== null) {
    res.setHeader('retry-after', String(retryAfter));
    return sendJson(res, 429, {
      errors: [
        {
          message: `rate limit exceeded; retry after ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, requestId },
        },
      ],
    });
  }
  const text = decodeUtf8(await readBody(req, edge.bodyLimitBytes));
  if (text === null) {
    return sendJson(res, 400, {
      errors: [
        { message: 'request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST', requestId } },
      ],
    });
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = text;
  if (
    req.method === 'POST' &&
    /^application\/(graphql-response\+)?json\b/i.test(headers.get('content-type') ?? '')
  ) {
    try {
      body = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      return sendJson(res, 400, {
        errors: [
          { message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST', requestId } },
        ],
      });
    }
  }
  const source =
    typeof (body as { query?: unknown } | null)?.query === 'string'
      ? (body as { query: string }).query
      : url.searchParams.get('query');
  if (source) {
    try {
      checkTokenLimit(source, edge.maxTokens);
    } catch (error) {
      return sendJson(res, 400, {
        errors: [{ message: (error as Error).message, extensions: { code: 'BAD_USER_INPUT', requestId } }],
      });
    }
  }
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: async () => edge.createContext(requestId, facts, principal, clientAddress),
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

async function handleProtocolRoute(
  edge: HttpEdge,
  route: ProtocolRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const body = await readBody(req, route.bodyLimitBytes ?? edge.bodyLimitBytes);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const response = await route.handle({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
    clientAddress: req.socket.remoteAddress ?? null,
    requestId,
  });
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.end(response.body ?? '');
}

/** Reads the whole body, refusing (413) as soon as it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
