import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Work done once per published event, shared by every subscriber it is delivered to.
 *
 * Why: graphql-ws runs the subscription resolver once per subscriber, so N dashboards watching
 * the same stream would each fork an EntityManager and load the same device: N queries per
 * event. Both transports hand every subscriber the same payload object (in-process: the published
 * object; Redis: the event target parses each message once and dispatches one event), so a
 * WeakMap keyed by the payload memoizes the fork and the loads for exactly the event's lifetime.
 * Each event still gets its own fresh fork (never a request's), as the working agreement asks.
 */
export class PerEventWork {
  private readonly forks = new WeakMap<object, EntityManager>();
  private readonly loads = new WeakMap<object, Map<string, Promise<unknown>>>();

  /**
   * @param forkEntityManager a fresh EntityManager for work that belongs to no request
   * @param enabled false disables sharing (each subscriber loads on its own): the benchmark baseline
   */
  constructor(
    private readonly forkEntityManager: () => EntityManager,
    private readonly enabled = true,
  ) {}

  /** Whether work is shared by an event's subscribers (false: the benchmark baseline). */
  get shares(): boolean {
    return this.enabled;
  }

  /** The EntityManager fork of this event. */
  em(event: object): EntityManager {
    if (!this.enabled) return this.forkEntityManager();
    let em = this.forks.get(event);
    if (!em) {
      em = this.forkEntityManager();
      this.forks.set(event, em);
    }
    return em;
  }

  /** `load(em)` once per event and `key`; later subscribers get the same promise. */
  once<T>(event: object, key: string, load: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.enabled) return load(this.forkEntityManager());
    let byKey = this.loads.get(event);
    if (!byKey) {
      byKey = new Map();
      this.loads.set(event, byKey);
    }
    let promise = byKey.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = load(this.em(event));
      byKey.set(key, promise);
    }
    return promise;
  }
}
