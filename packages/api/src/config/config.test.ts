import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env, []);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('certificate and lifecycle configuration', () => {
  it('defaults to 365-day certificates, a 30-day renewal window, thresholds 30/7/1 and removal after 180 days (seed)', () => {
    const { certificates } = loadConfig({}, []);
    expect(certificates).toMatchObject({
      validityDays: 365,
      renewalWindowDays: 30,
      expiringThresholdsDays: [30, 7, 1],
      removalAfterExpiryDays: 180,
      maxSkewSeconds: 300,
      sweepIntervalMs: 60_000,
    });
  });

  it('sorts thresholds largest first and drops duplicates', () => {
    expect(
      loadConfig({ CERT_EXPIRING_THRESHOLDS_DAYS: '1, 14,7,14' }, []).certificates.expiringThresholdsDays,
    ).toEqual([14, 7, 1]);
  });

  it('refuses production without CA_KEY_SECRET or a supplied CA, a short secret, half a CA, a zero threshold and a fast clock, all at once', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      CLOCK_SPEED: '60',
      CERT_EXPIRING_THRESHOLDS_DAYS: '30,0',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'CA_KEY_SECRET',
      'CLOCK_SPEED',
      'CERT_EXPIRING_THRESHOLDS_DAYS',
    ]);
    expect(problemsOf({ CA_KEY_SECRET: 'short' })[0]).toContain('CA_KEY_SECRET');
    expect(problemsOf({ CA_CERT_PEM: '-----BEGIN CERTIFICATE-----' })[0]).toContain('CA_CERT_PEM/CA_KEY_PEM');
    expect(
      problemsOf({ CA_CERT_FILE: '/nonexistent/ca.pem', CA_KEY_FILE: '/nonexistent/ca.key' }).join('\n'),
    ).toContain('CA_CERT_FILE: cannot read');
  });

  it('accepts production with a sealing secret', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', CA_KEY_SECRET: 'a-long-enough-secret' }, []).certificates
        .keySecret,
    ).toBe('a-long-enough-secret');
  });
});

describe('execution configuration', () => {
  it('compiles operations by default, keeping 1,000 compiled queries, and can be switched off', () => {
    expect(loadConfig({}, []).graphql).toEqual({ compiledExecution: true, compiledQueryCacheSize: 1000 });
    expect(
      loadConfig({ GRAPHQL_COMPILED_EXECUTION: 'false', GRAPHQL_COMPILED_QUERY_CACHE_SIZE: '50' }, [])
        .graphql,
    ).toEqual({ compiledExecution: false, compiledQueryCacheSize: 50 });
  });

  it('refuses a flag that is not a boolean and an empty cache, both at once', () => {
    const problems = problemsOf({
      GRAPHQL_COMPILED_EXECUTION: 'sometimes',
      GRAPHQL_COMPILED_QUERY_CACHE_SIZE: '0',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'GRAPHQL_COMPILED_EXECUTION',
      'GRAPHQL_COMPILED_QUERY_CACHE_SIZE',
    ]);
  });
});

describe('graphql-ws limits', () => {
  it('default to 10,000 connections, 5,000 per token, 100 operations per socket and 1 MiB unsent', () => {
    expect(loadConfig({}, []).webSocket).toEqual({
      connectionInitTimeoutMs: 3000,
      maxConnections: 10_000,
      maxConnectionsPerToken: 5_000,
      maxOperationsPerSocket: 100,
      maxBufferedBytes: 1024 * 1024,
    });
  });

  it('refuses a zero connection limit and a buffer under 1 KiB, both at once', () => {
    const problems = problemsOf({ WS_MAX_CONNECTIONS_PER_TOKEN: '0', WS_MAX_BUFFERED_BYTES: '100' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'WS_MAX_BUFFERED_BYTES',
      'WS_MAX_CONNECTIONS_PER_TOKEN',
    ]);
  });
});
