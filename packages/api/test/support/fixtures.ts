import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Input files in the public formats administrators exchange (Intune corporate identifiers,
 * Autopilot, Apple Business Manager pages, Graph managedDevice lists), written for these tests
 * and kept in `test/fixtures/`: every file a test reads lives in the repository.
 */
export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A fixture's bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(`${fixturesDir}${name}`);
}

/** A fixture as UTF-8 text. */
export function fixtureText(name: string): string {
  return readFileSync(`${fixturesDir}${name}`, 'utf8');
}

/**
 * Further real-format samples a maintainer may keep beside the repository (`SAMPLES_DIR`, or a
 * `shared/samples` folder next to the clone): tests may also run over them, never depend on
 * them. Undefined when there is no such folder, so those tests are skipped.
 */
export const extraSamplesDir: string | undefined = (() => {
  const candidate =
    process.env['SAMPLES_DIR'] ?? fileURLToPath(new URL('../../../../../shared/samples/', import.meta.url));
  return existsSync(candidate) ? candidate.replace(/\/?$/, '/') : undefined;
})();

/** The names of the extra samples (none without the folder). */
export function extraSamples(): string[] {
  return extraSamplesDir ? readdirSync(extraSamplesDir).filter((n) => /\.(csv|json)$/.test(n)) : [];
}
