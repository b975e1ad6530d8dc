import { describe, expect, it } from 'vitest';
import { TokenConnections } from './websocket-connections.js';

describe('TokenConnections', () => {
  it('accepts connections of one token up to its limit, and one more once another closed', () => {
    const connections = new TokenConnections<object>(2);
    const [a, b, c] = [{}, {}, {}];
    expect(connections.add('t', a)).toBe(true);
    expect(connections.add('t', b)).toBe(true);
    expect(connections.add('t', c)).toBe(false);
    expect(connections.of('t')).toEqual([a, b]);
    connections.remove('t', a);
    expect(connections.add('t', c)).toBe(true);
    expect(connections.of('t')).toEqual([b, c]);
  });

  it('counts each token on its own and lists only tokens that hold a connection', () => {
    const connections = new TokenConnections<object>(1);
    const [a, b] = [{}, {}];
    expect(connections.add('t1', a)).toBe(true);
    expect(connections.add('t2', b)).toBe(true);
    expect(connections.tokenIds()).toEqual(['t1', 't2']);
    connections.remove('t1', a);
    connections.remove('t1', a);
    expect(connections.tokenIds()).toEqual(['t2']);
    expect(connections.of('t1')).toEqual([]);
  });
});
