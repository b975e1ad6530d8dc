import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Path of the Prometheus exposition, on the main port or on the separate metrics port. */
export const METRICS_PATH = '/metrics';

/** Serves the exposition for GET and HEAD; other methods get 405. */
export function createMetricsHandler(metrics: GatewayMetrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('allow', 'GET, HEAD');
      res.end();
      return;
    }
    const { contentType, body } = await metrics.exposition();
    res.statusCode = 200;
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** A listener that serves only `/metrics` (METRICS_PORT), so the main port need not expose it. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Starts the separate metrics listener; resolves once it listens. */
export async function startMetricsServer(
  metrics: GatewayMetrics,
  host: string,
  port: number,
): Promise<MetricsServer> {
  const handle = createMetricsHandler(metrics);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
    if (path !== METRICS_PATH) {
      res.statusCode = 404;
      res.end();
      return;
    }
    handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${loopbackFor(host)}:${address.port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A host clients can reach when the server binds every interface. */
export function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
