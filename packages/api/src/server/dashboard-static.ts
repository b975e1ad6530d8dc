import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Vite's content-hashed output (`assets/index-DYG-iY5e.js`): its name changes whenever its bytes do. */
const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** A year, the longest `max-age` caches honour (RFC 9111 leaves it to them; a year is the convention). */
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Serves the built dashboard from `root`: `/` (index.html) and each file of the build, by exact
 * path (routes made from the directory at start: a path that is not a file of the build falls
 * through to the edge's 404). The dashboard routes by URL hash (`#/devices/...`), so no other path
 * is its page. Compressed (brotli or gzip, as the client accepts) above 1 KiB; content-hashed
 * assets cached for a year as immutable, every other file (index.html) revalidated on each load
 * (`no-cache` with its ETag), so a new build is picked up at once. Source maps are never served.
 */
export async function registerDashboard(scope: FastifyInstance, root: string): Promise<void> {
  // In this scope only: GraphQL responses and the protocol routes are not compressed by the edge.
  await scope.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await scope.register(fastifyStatic, {
    root,
    wildcard: false,
    index: 'index.html',
    globIgnore: ['**/*.map'],
    serveDotFiles: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders(reply, path) {
      void reply.header(
        'cache-control',
        HASHED_ASSET.test(path) ? `public, max-age=${ONE_YEAR_SECONDS}, immutable` : 'no-cache',
      );
    },
  });
}
