import {
  ImportAbmDevicesDocument,
  ImportAutopilotDevicesDocument,
  ImportCorporateIdentifiersDocument,
  type ImportCorporateIdentifiersMutation,
} from '@mdm/schema';
import { useState } from 'react';
import { useMutation } from 'urql';

type ImportResult = ImportCorporateIdentifiersMutation['importCorporateIdentifiers'];

const KINDS = {
  IMEI: 'Corporate identifiers: IMEI (CSV)',
  SERIAL: 'Corporate identifiers: serial numbers (CSV)',
  WINDOWS: 'Corporate identifiers: Windows manufacturer, model, serial (CSV)',
  AUTOPILOT: 'Windows Autopilot devices (CSV)',
  ABM: 'Apple Business Manager / DEP device list (JSON)',
} as const;
type Kind = keyof typeof KINDS;

/** Upload a real-format file (the same imports as the API and the CLI), then read the row-level report. */
export function ImportsView() {
  const [kind, setKind] = useState<Kind>('SERIAL');
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [stage, setStage] = useState<'idle' | 'reading' | 'importing' | 'done'>('idle');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, importIdentifiers] = useMutation(ImportCorporateIdentifiersDocument);
  const [, importAutopilot] = useMutation(ImportAutopilotDevicesDocument);
  const [, importAbm] = useMutation(ImportAbmDevicesDocument);

  const submit = async () => {
    if (!file) return;
    setError(null);
    setResult(null);
    setStage('reading');
    const content = await file.text();
    setStage('importing');
    const input = { content, fileName: file.name, partial, overwrite };
    const response =
      kind === 'AUTOPILOT'
        ? (await importAutopilot({ file: input })).data?.importAutopilotDevices
        : kind === 'ABM'
          ? (await importAbm({ file: input })).data?.importAbmDevices
          : (await importIdentifiers({ file: input, identifierType: kind })).data?.importCorporateIdentifiers;
    setStage('done');
    if (!response) setError('The gateway did not answer the import.');
    else setResult(response as ImportResult);
  };

  return (
    <section aria-labelledby="imports-title">
      <h1 id="imports-title">Imports</h1>
      <form
        className="card import-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="import-kind">Format</label>
        <select id="import-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {Object.entries(KINDS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="import-file">File</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.json,.txt"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <label>
          <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} /> Import
          the valid rows even if some are bad
        </label>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />{' '}
          Overwrite records whose details differ
        </label>
        <button type="submit" disabled={!file || stage === 'reading' || stage === 'importing'}>
          Import
        </button>
        <p role="status" className="muted" data-testid="import-stage">
          {stage === 'reading'
            ? 'Reading the file…'
            : stage === 'importing'
              ? 'Validating and importing…'
              : stage === 'done'
                ? 'Done.'
                : ''}
        </p>
      </form>
      {error && <p role="alert">{error}</p>}
      {result && <ImportReport result={result} />}
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  if (result.__typename === 'ImportSuccess') {
    const r = result.importRecord;
    return (
      <div className="card" data-testid="import-report">
        <h2>Imported {r.fileName}</h2>
        <p>
          {r.rowCount} rows: {r.newCount} new, {r.unchangedCount} unchanged, {r.overwrittenCount} overwritten,{' '}
          {r.conflictingCount} conflicting, {r.rejectedRowCount} rejected
        </p>
        <RowIssues title="Rejected rows" issues={result.rowErrors} />
        <RowIssues title="Notices" issues={result.notices} />
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Row</th>
                <th>Key</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={`${row.rowNumber}-${row.key}`}>
                  <td>{row.rowNumber}</td>
                  <td>{row.key}</td>
                  <td>{row.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    );
  }
  return (
    <div className="card" data-testid="import-report" role="alert">
      <h2>Nothing was imported</h2>
      <p>{'message' in result ? result.message : 'The import was refused.'}</p>
      {'rowErrors' in result && <RowIssues title="Rows" issues={result.rowErrors} />}
    </div>
  );
}

function RowIssues({
  title,
  issues,
}: {
  title: string;
  issues: readonly { rowNumber: number; column?: string | null; rule: string; message: string }[];
}) {
  if (issues.length === 0) return null;
  return (
    <details open>
      <summary>
        {title} ({issues.length})
      </summary>
      <ul>
        {issues.map((i) => (
          <li key={`${i.rowNumber}-${i.rule}-${i.column ?? ''}`}>
            Row {i.rowNumber}
            {i.column ? `, ${i.column}` : ''}: {i.message} ({i.rule})
          </li>
        ))}
      </ul>
    </details>
  );
}
