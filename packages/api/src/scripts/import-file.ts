/**
 * Posts a pre-registration file to the gateway's GraphQL API and prints the gateway's answer
 * (the import's result as JSON on stdout, nothing else). Built to `dist/scripts/import-file.js`,
 * run from the repository root:
 *
 *   MDM_API_TOKEN=$TOKEN node packages/api/dist/scripts/import-file.js --kind imei --file examples/corporate-imeis.csv
 *
 * `--url` defaults to MDM_API_URL or http://localhost:4000/graphql, `--token` to MDM_API_TOKEN.
 *
 * Kinds: imei, serial, windows (Intune corporate identifiers), abm (ABM/DEP fetch or sync page),
 * configurator (serial list; --profile <USB-SA profile id>), autopilot, eas (--connector <id>),
 * graph (Graph managedDevice export). Flags: --partial (import the valid rows), --overwrite
 * (overwrite differing records). The file is read as bytes and sent as UTF-8 text; a non-UTF-8
 * file (e.g. UTF-16) is refused by the server's encoding check, not garbled here.
 * Exit codes: 0 imported, 1 refused or failed, 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

/** The mutation field and its extra arguments for each `--kind`. */
const KINDS: Record<
  string,
  { field: string; args: string; variables: (o: Options) => Record<string, unknown> }
> = {
  imei: { field: 'importCorporateIdentifiers', args: 'identifierType: IMEI', variables: () => ({}) },
  serial: { field: 'importCorporateIdentifiers', args: 'identifierType: SERIAL', variables: () => ({}) },
  windows: { field: 'importCorporateIdentifiers', args: 'identifierType: WINDOWS', variables: () => ({}) },
  abm: { field: 'importAbmDevices', args: '', variables: () => ({}) },
  configurator: {
    field: 'importConfiguratorSerials',
    args: 'profileId: $profileId',
    variables: (o) => ({ profileId: o.profile ?? null }),
  },
  autopilot: { field: 'importAutopilotDevices', args: '', variables: () => ({}) },
  eas: {
    field: 'importEasDevices',
    args: 'connectorId: $connectorId',
    variables: (o) => ({ connectorId: o.connector }),
  },
  graph: { field: 'importGraphManagedDevices', args: '', variables: () => ({}) },
};

interface Options {
  kind?: string;
  file?: string;
  url?: string;
  token?: string;
  profile?: string;
  connector?: string;
  partial?: boolean;
  overwrite?: boolean;
}

/** The GraphQL document for one kind: declared variables, then the result fields the CLI prints. */
function document(kind: string): string {
  const spec = KINDS[kind]!;
  const extra = kind === 'configurator' ? ', $profileId: ID' : kind === 'eas' ? ', $connectorId: ID!' : '';
  const args = [spec.args, 'file: $file'].filter(Boolean).join(', ');
  return `mutation Import($file: ImportFileInput!${extra}) {
  result: ${spec.field}(${args}) {
    __typename
    ... on ImportSuccess {
      importRecord { id kind fileName rowCount newCount unchangedCount overwrittenCount conflictingCount deletedCount rejectedRowCount }
      rowErrors { rowNumber column rule message }
      notices { rowNumber column rule message }
    }
    ... on ImportRejectedError { message fileError { code message } rowErrors { rowNumber column rule message } }
    ... on UserError { code message }
  }
}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      file: { type: 'string' },
      url: { type: 'string', default: process.env['MDM_API_URL'] ?? 'http://localhost:4000/graphql' },
      token: { type: 'string', default: process.env['MDM_API_TOKEN'] },
      profile: { type: 'string' },
      connector: { type: 'string' },
      partial: { type: 'boolean', default: false },
      overwrite: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const options = values as Options;
  if (
    !options.kind ||
    !KINDS[options.kind] ||
    !options.file ||
    (options.kind === 'eas' && !options.connector)
  ) {
    console.error(
      `usage: import --kind ${Object.keys(KINDS).join('|')} --file <path> [--url <graphql url>] [--token <api token>] [--partial] [--overwrite] [--profile <id>] [--connector <id>]`,
    );
    return 2;
  }
  const content = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(
    await readFile(options.file),
  );
  const response = await fetch(options.url!, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({
      query: document(options.kind),
      variables: {
        file: {
          fileName: basename(options.file),
          content,
          partial: options.partial,
          overwrite: options.overwrite,
        },
        ...KINDS[options.kind]!.variables(options),
      },
    }),
  });
  const body = (await response.json()) as { data?: { result?: { __typename: string } }; errors?: unknown[] };
  console.log(JSON.stringify(body.data?.result ?? body, null, 2));
  return body.data?.result?.__typename === 'ImportSuccess' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
