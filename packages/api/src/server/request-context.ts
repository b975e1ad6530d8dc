import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { InlineAudit } from '../modules/audit/audit.service.js';
import type { Principal } from '../modules/auth/principal.js';
import type { HttpGraphQLContext, RequestFacts } from './apollo.js';

/**
 * The context of one operation. Its EntityManager fork and its child logger are made on first
 * use: many requests and every shared subscription never touch them, and 5,000 idle
 * subscriptions would each hold a fork.
 *
 * A class, with the lazy accessors on its prototype, because Apollo Server copies the context of
 * every HTTP request (`Object.assign(Object.create(prototype), context)`): own getters would
 * be called by that copy, forking an EntityManager and building a child logger for every request
 * whether or not it uses them. The copy keeps the prototype, so the accessors stay lazy on it.
 */
export class RequestContext implements HttpGraphQLContext {
  /** Made by the `em` accessor; a plain field so that Apollo's copy carries it. */
  private forkedEm: EntityManager | undefined = undefined;
  private childLogger: Logger | undefined = undefined;
  /** Set by the audit wrapper while a mutation resolver runs (GraphQLContext). */
  inlineAudit: InlineAudit | undefined = undefined;

  constructor(
    readonly requestId: string,
    readonly facts: RequestFacts,
    readonly principal: Principal | null,
    readonly clientAddress: string | null,
    private readonly rootEm: EntityManager,
    private readonly rootLogger: Logger,
  ) {}

  get em(): EntityManager {
    return (this.forkedEm ??= this.rootEm.fork());
  }

  get logger(): Logger {
    return (this.childLogger ??= this.rootLogger.child({ requestId: this.requestId }));
  }
}
