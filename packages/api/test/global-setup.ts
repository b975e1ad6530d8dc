import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.js';
import { createScratchDatabase } from '../src/testing/gateway-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of this run's own database on the `DATABASE_URL` server; empty when tests use embedded PGlite. */
    databaseUrl: string;
    /**
     * An embedded (PGlite) data directory with every migration applied and nothing else, made
     * once per run: a test gateway's new embedded database starts as a copy of it (a copy opens in
     * a few seconds where a new PGlite cluster plus the migrations take half a minute on a busy
     * 2-core machine). Never written to after setup.
     */
    embeddedTemplateDir: string;
  }
}

/**
 * With `DATABASE_URL` set, creates a fresh database for this run on that server (so a run never
 * sees an earlier run's rows or schema) and drops it afterwards. Every run also prepares the
 * migrated embedded template that test gateways on embedded databases start from.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templateParent = await mkdtemp(join(tmpdir(), 'mdm-template-'));
  const templateDir = join(templateParent, 'data');
  const template = await openDatabase({ dataDir: templateDir, poolSize: 1 }, pino({ level: 'silent' }));
  await template.close();
  project.provide('embeddedTemplateDir', templateDir);
  const removeTemplate = () => rm(templateParent, { recursive: true, force: true });

  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    project.provide('databaseUrl', '');
    return removeTemplate;
  }
  const database = await createScratchDatabase(serverUrl, 'mdm_test');
  project.provide('databaseUrl', database.url);
  return async () => {
    await database.drop();
    await removeTemplate();
  };
}
