import { describe, expect, it } from 'vitest';
import { extraSamples, extraSamplesDir, fixture } from '../../../../test/support/fixtures.js';
import { readFileSync } from 'node:fs';
import { parseAbmDevicesPage } from './abm-devices.parser.js';
import { parseAutopilotDevices } from './autopilot.parser.js';
import { parseCorporateIdentifiers } from './corporate-identifiers.parser.js';
import { parseGraphManagedDevices } from './graph-managed-devices.parser.js';

/** The parser a file's name calls for, by the naming of the fixtures and of the extra samples. */
function parserFor(name: string): ((input: Buffer) => { kind: string; errors?: unknown[] }) | undefined {
  if (/imei/.test(name)) return (input) => parseCorporateIdentifiers(input, 'IMEI');
  if (/windows/.test(name)) return (input) => parseCorporateIdentifiers(input, 'WINDOWS');
  if (/corp.*serial/.test(name)) return (input) => parseCorporateIdentifiers(input, 'SERIAL');
  if (/^autopilot/.test(name)) return parseAutopilotDevices;
  if (/^abm/.test(name)) return parseAbmDevicesPage;
  if (/^graph/.test(name)) return parseGraphManagedDevices;
  return undefined;
}

describe('real-format samples kept beside the repository', () => {
  it('has a parser for every fixture of the repository', () => {
    for (const name of [
      'corporate-imei-14-digit.csv',
      'corporate-imei.csv',
      'corporate-serial.csv',
      'corporate-windows.csv',
      'autopilot-devices.csv',
      'autopilot-devices-3col.csv',
      'abm-fetch-devices.json',
      'abm-sync-devices.json',
      'graph-managed-devices.json',
    ])
      expect(parserFor(name)?.(fixture(name)), name).toMatchObject({ kind: 'parsed', errors: [] });
  });

  // Runs only where a maintainer keeps such a folder (SAMPLES_DIR); a clone needs none.
  it.skipIf(!extraSamplesDir).each(extraSamples().filter((name) => parserFor(name)))(
    'reads %s without a file or row error',
    (name) => {
      const result = parserFor(name)!(readFileSync(`${extraSamplesDir}${name}`));
      expect(result).toMatchObject({ kind: 'parsed', errors: [] });
    },
  );
});
