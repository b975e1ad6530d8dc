import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { InlineAudit } from '../modules/audit/audit.service.js';
import type { Principal } from '../modules/auth/principal.js';

/**
 * What every resolver receives for one GraphQL operation. Built by the server edge for each
 * HTTP request and each subscription operation; resolvers never see the transport.
 */
export interface GraphQLContext {
  /** Correlates the response, the logs and error reports (`x-request-id`). */
  requestId: string;
  /** This request's own EntityManager fork (identity map and unit of work are per request). */
  em: EntityManager;
  /** Logger bound to the request id. */
  logger: Logger;
  /** The API token that authenticated the request; null for anonymous callers (devices checking in). */
  principal: Principal | null;
  /** Client address (for rate limits and the audit of anonymous callers). */
  clientAddress: string | null;
  /**
   * While a mutation's resolver runs: lets it write its own success audit record in its statement
   * (set by the audit wrapper, audit-mutations.ts); absent otherwise.
   */
  inlineAudit?: InlineAudit | undefined;
}
