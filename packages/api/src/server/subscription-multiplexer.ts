import { DroppingBuffer, Repeater } from '@graphql-yoga/subscription';
import { Kind, print, subscribe as graphqlSubscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { SUBSCRIBER_BUFFER } from '../events/event-bus.js';

type Stream = AsyncIterableIterator<ExecutionResult>;
type SubscribeResult = Promise<ExecutionResult | Stream>;

interface SharedStream {
  /** Resolves to the one graphql-js source stream, or to its subscribe-time error result. */
  source: Promise<ExecutionResult | Stream>;
  listeners: Map<(result: ExecutionResult) => unknown, () => unknown>;
  /** Subscribers that joined but have not started reading yet; the stream stays open for them. */
  claims: number;
}

/**
 * Runs each distinct subscription (document + variables + operation name) once, however many
 * sockets subscribe to it, and hands every subscriber the same execution result of each event.
 *
 * Why: graphql-ws executes the selection set once per subscriber per event (filter, resolvers,
 * field serialization); with 1,000 dashboards watching the same stream that is 1,000 executions
 * of identical work per event. Sharing the executed result keeps the per-subscriber work to
 * framing and sending. Only event streams are shared (`shareable` root fields): their resolvers
 * depend on the event and the arguments alone. `fleetStats` is not, since every new subscriber must
 * get the current counts first. When token authorization lands (issue: API tokens), the caller's
 * roles must become part of the key.
 */
export class SubscriptionMultiplexer {
  private readonly streams = new Map<string, SharedStream>();

  /** @param shareable root subscription fields whose results may be shared */
  constructor(private readonly shareable: ReadonlySet<string>) {}

  /** Distinct shared streams now live (for tests and benchmarks). */
  get size(): number {
    return this.streams.size;
  }

  /** A drop-in for graphql-ws's `subscribe` option. */
  subscribe = (args: ExecutionArgs): SubscribeResult => {
    if (!this.isShareable(args)) return Promise.resolve(graphqlSubscribe(args) as SubscribeResult);
    // The caller's role is part of the key: callers of different roles never share a result.
    const role = (args.contextValue as { principal?: { role?: string } | null } | undefined)?.principal?.role ?? null;
    const key = JSON.stringify([role, print(args.document), args.operationName ?? null, args.variableValues ?? {}]);
    let shared = this.streams.get(key);
    if (!shared) {
      const created: SharedStream = { source: Promise.resolve(graphqlSubscribe(args) as SubscribeResult), listeners: new Map(), claims: 0 };
      shared = created;
      this.streams.set(key, created);
      void created.source.then((source) => {
        if (!isStream(source)) {
          this.streams.delete(key);
          return;
        }
        void (async () => {
          for await (const result of source) for (const listener of created.listeners.keys()) listener(result);
        })()
          .catch(() => {})
          .finally(() => {
            // The source ended (or failed): end every subscriber's stream too, rather than leave it silent.
            if (this.streams.get(key) === created) this.streams.delete(key);
            for (const stop of created.listeners.values()) stop();
          });
      });
    }
    const stream = shared;
    // Claimed now, while the listener only registers once the subscriber starts reading: a
    // subscriber leaving in between must not end the stream this one has just joined.
    stream.claims++;
    return stream.source.then((source) => {
      if (!isStream(source)) {
        stream.claims--;
        return source;
      }
      return new Repeater<ExecutionResult>(async (push, stop) => {
        const listener = (result: ExecutionResult) => void push(result);
        stream.claims--;
        stream.listeners.set(listener, stop);
        await stop;
        stream.listeners.delete(listener);
        if (stream.listeners.size === 0 && stream.claims === 0 && this.streams.get(key) === stream) {
          this.streams.delete(key);
          await source.return?.();
        }
      }, new DroppingBuffer(SUBSCRIBER_BUFFER));
    });
  };

  private isShareable(args: ExecutionArgs): boolean {
    const operations = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const operation = args.operationName ? operations.find((o) => o.name?.value === args.operationName) : operations[0];
    if (!operation || operation.operation !== 'subscription') return false;
    return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && this.shareable.has(s.name.value));
  }
}

function isStream(value: ExecutionResult | Stream): value is Stream {
  return typeof (value as Stream)[Symbol.asyncIterator] === 'function';
}
