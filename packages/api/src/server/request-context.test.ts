import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { RequestContext } from './request-context.js';

/** How Apollo Server copies the context of each HTTP request before running the operation. */
const apolloCopy = <T extends object>(context: T): T =>
  Object.assign(Object.create(Object.getPrototypeOf(context) as object) as T, context);

describe('the request context', () => {
  it('forks the EntityManager and builds the child logger only when an operation first uses them, even after Apollo copies it', () => {
    const fork = vi.fn(() => ({ forked: true }) as unknown as EntityManager);
    const child = vi.fn(() => ({ child: true }) as unknown as Logger);
    const facts = {};
    const copy = apolloCopy(
      new RequestContext(
        'req-1',
        facts,
        null,
        '127.0.0.1',
        { fork } as unknown as EntityManager,
        { child } as unknown as Logger,
      ),
    );
    expect(fork).not.toHaveBeenCalled();
    expect(child).not.toHaveBeenCalled();
    expect(copy.em).toBe(copy.em);
    expect(copy.logger).toBe(copy.logger);
    expect(fork).toHaveBeenCalledTimes(1);
    expect(child).toHaveBeenCalledWith({ requestId: 'req-1' });
    expect(copy.facts).toBe(facts);
    expect([copy.requestId, copy.principal, copy.clientAddress]).toEqual(['req-1', null, '127.0.0.1']);
  });
});
