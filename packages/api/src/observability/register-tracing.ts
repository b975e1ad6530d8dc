import { ConfigError, loadConfig } from '../config/config.js';
import { startTracing, type Tracing } from './tracing.js';

/**
 * Entry that turns tracing on when OTEL_EXPORTER_OTLP_ENDPOINT is set. Imported first by main.ts
 * (or `node --import ./dist/observability/register-tracing.js`) so that the instrumentation is in
 * place before graphql, pg and http load. Invalid configuration is left for main.ts to report.
 */
function registerTracing(): Tracing | undefined {
  try {
    const { tracing } = loadConfig(process.env, []);
    return tracing.otlpEndpoint
      ? startTracing({ otlpEndpoint: tracing.otlpEndpoint, serviceName: tracing.serviceName })
      : undefined;
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** The running tracing, or undefined when off. */
export const tracing = registerTracing();
