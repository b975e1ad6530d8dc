/**
 * The test kit: one import for what tests need to run against a real gateway.
 *
 * - Gateway: {@link useTestGateway} starts one for the enclosing `describe` (or file) and stops
 *   it after; {@link startTestGateway} when a test needs its own (a clock, logs, settings).
 * - Database: with `DATABASE_URL`, every test gateway shares the run's database (global-setup);
 *   without it, each gets an embedded one copied from the run's migrated template
 *   ({@link fromEmbeddedTemplate}). {@link createScratchDatabase} gives a test a database of its
 *   own on the server, {@link startGatewayProcess} a built gateway as a child process.
 * - Clients: `gateway.query/request/wsClient/as(secret)`; {@link GatewayClient}.
 * - Builders: unique serials, IMEIs, UPNs, groups, BYOD inputs, ABM pages; enrollment setup;
 *   fixtures in the public import formats; deferreds and event collectors; log capture.
 */
import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './test-gateway.js';

export * from './builders.js';
export * from './deferred.js';
export * from './enrollment-setup.js';
export * from './fixtures.js';
export * from './log-capture.js';
export * from './test-gateway.js';
export {
  createScratchDatabase,
  startGatewayProcess,
  type GatewayProcess,
  type ScratchDatabase,
} from '../../src/testing/gateway-process.js';

/**
 * A test gateway for the enclosing `describe` block (or file): started in `beforeAll`, stopped in
 * `afterAll`. Returns a stand-in that forwards to the running gateway, so tests use it as the
 * gateway itself (`gateway.query(...)`); using it outside a test or hook throws.
 */
export function useTestGateway(options: TestGatewayOptions = {}): TestGateway {
  let current: TestGateway | undefined;
  beforeAll(async () => {
    current = await startTestGateway(options);
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  return new Proxy({} as TestGateway, {
    get(_, property) {
      if (!current) throw new Error(`test gateway used outside its describe block (.${String(property)})`);
      const value = Reflect.get(current, property, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
