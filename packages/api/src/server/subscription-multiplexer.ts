import { DroppingBuffer, Repeater } from '@graphql-yoga/subscription';
import {
  Kind,
  print,
  subscribe as graphqlSubscribe,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { SUBSCRIBER_BUFFER } from '../events/event-bus.js';

type Stream = AsyncIterableIterator<ExecutionResult>;
type SubscribeResult = Promise<ExecutionResult | Stream>;

/**
 * Where a subscriber's results can be written directly, as the JSON text of the `next`
 * message's payload, instead of travelling through its async iterator (see `sinkOf`).
 */
export interface SubscriberSink {
  /** Sends one result; `payload` is the UTF-8 JSON of the protocol message's payload. */
  send(payload: Buffer): void;
}

/** One subscriber of a shared stream: handed each result and, when sinks are used, its JSON. */
type Listener = (result: ExecutionResult, json: () => Buffer) => unknown;

interface SharedStream {
  /** Resolves to the one graphql-js source stream, or to its subscribe-time error result. */
  source: Promise<ExecutionResult | Stream>;
  listeners: Map<Listener, () => unknown>;
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
 * get the current counts first. The caller's role and user are part of the key.
 *
 * With `sinkOf`, a subscriber that has a sink gets each result written straight to it: the result
 * is serialised once per event for all of them, and only the small frame around it (the operation
 * id) is built per subscriber. Its stream, as graphql-ws sees it, yields nothing and ends when the
 * shared stream ends; graphql-ws still owns the subscription's life (complete, socket close).
 * Serialising each `next` message per subscriber (the ids differ) and one chain of promises per
 * subscriber per event were what 5,000 subscribers at 10 events/s could not afford.
 */
export class SubscriptionMultiplexer {
  private readonly streams = new Map<string, SharedStream>();

  /**
   * @param shareable root subscription fields whose results may be shared (declared on the schema
   *   with `@SharedResults()`: see `sharedResultFields`)
   * @param sinkOf the direct sink of a subscription's execution arguments, if it has one
   * @param formatResult what a result written to sinks becomes (its errors formatted for clients, as
   *   graphql-ws's `onNext` does for the others), or undefined to send it as it is; called once per
   *   result with the arguments of the execution that produced it (the stream's first subscriber)
   */
  constructor(
    private readonly shareable: ReadonlySet<string>,
    private readonly sinkOf: (args: ExecutionArgs) => SubscriberSink | undefined = () => undefined,
    private readonly formatResult: (
      result: ExecutionResult,
      args: ExecutionArgs,
    ) => FormattedExecutionResult | undefined = () => undefined,
  ) {}

  /** Distinct shared streams now live (for tests and benchmarks). */
  get size(): number {
    return this.streams.size;
  }

  /** A drop-in for graphql-ws's `subscribe` option. */
  subscribe = (args: ExecutionArgs): SubscribeResult => {
    if (!this.isShareable(args)) return Promise.resolve(graphqlSubscribe(args) as SubscribeResult);
    // Who asks is part of the key: callers of different roles, or tokens bound to different users
    // (whose views of the fleet may differ), never share a result.
    const principal = (
      args.contextValue as
        { principal?: { role?: string; userPrincipalName?: string | null } | null } | undefined
    )?.principal;
    const key = JSON.stringify([
      principal?.role ?? null,
      principal?.userPrincipalName ?? null,
      printed(args.document),
      args.operationName ?? null,
      args.variableValues ?? {},
    ]);
    let shared = this.streams.get(key);
    if (!shared) {
      const created: SharedStream = {
        source: Promise.resolve(graphqlSubscribe(args) as SubscribeResult),
        listeners: new Map(),
        claims: 0,
      };
      shared = created;
      this.streams.set(key, created);
      void created.source.then((source) => {
        if (!isStream(source)) {
          this.streams.delete(key);
          return;
        }
        void (async () => {
          for await (const result of source) {
            let json: Buffer | undefined;
            const serialised = () =>
              (json ??= Buffer.from(serialisePayload(result, this.formatResult(result, args))));
            for (const listener of created.listeners.keys()) listener(result, serialised);
          }
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
    const sink = this.sinkOf(args);
    // Claimed now, while the listener only registers once the subscriber starts reading: a
    // subscriber leaving in between must not end the stream this one has just joined.
    stream.claims++;
    return stream.source.then((source) => {
      if (!isStream(source)) {
        stream.claims--;
        return source;
      }
      const join = async (listener: Listener, stop: Promise<unknown> & (() => unknown)) => {
        stream.claims--;
        stream.listeners.set(listener, stop);
        await stop;
        stream.listeners.delete(listener);
        if (stream.listeners.size === 0 && stream.claims === 0 && this.streams.get(key) === stream) {
          this.streams.delete(key);
          await source.return?.();
        }
      };
      if (sink)
        return new Repeater<ExecutionResult>((_push, stop) =>
          join((_result, json) => sink.send(json()), stop),
        );
      return new Repeater<ExecutionResult>(
        (push, stop) => join((result) => void push(result), stop),
        new DroppingBuffer(SUBSCRIBER_BUFFER),
      );
    });
  };

  private isShareable(args: ExecutionArgs): boolean {
    const operations = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const operation = args.operationName
      ? operations.find((o) => o.name?.value === args.operationName)
      : operations[0];
    if (!operation || operation.operation !== 'subscription') return false;
    return operation.selectionSet.selections.every(
      (s) => s.kind === Kind.FIELD && this.shareable.has(s.name.value),
    );
  }
}

/** The payload of a `next` message as graphql-ws writes it (`onNext`'s replacement, else errors as their JSON form, last). */
function serialisePayload(result: ExecutionResult, formatted: FormattedExecutionResult | undefined): string {
  if (formatted) return JSON.stringify(formatted);
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

/** Printed documents; the WebSocket edge hands every subscriber of the same text the same document. */
const printedDocuments = new WeakMap<DocumentNode, string>();
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

function isStream(value: ExecutionResult | Stream): value is Stream {
  return typeof (value as Stream)[Symbol.asyncIterator] === 'function';
}
