import {
  ImportCompletedEventsDocument,
  ImportHistoryDocument,
  type Role,
  ImportAbmDevicesDocument,
  ImportAutopilotDevicesDocument,
  ImportCorporateIdentifiersDocument,
  type ImportCorporateIdentifiersMutation,
} from '@mdm/schema';
import { useState } from 'react';
import { useMutation, useQuery, useSubscription, type CombinedError } from 'urql';
import { ViewHeading } from '../components/ViewHeading';
import { formatUtc } from '../lib/format';
import { useRefetchOnReconnect } from '../lib/hooks';

type ImportResult = ImportCorporateIdentifiersMutation['importCorporateIdentifiers'];

const KINDS = {
  IMEI: 'Corporate identifiers: IMEI (CSV)',
  SERIAL: 'Corporate identifiers: serial numbers (CSV)',
  WINDOWS: 'Corporate identifiers: Windows manufacturer, model, serial (CSV)',
  AUTOPILOT: 'Windows Autopilot devices (CSV)',
  ABM: 'Apple Business Manager / DEP device list (JSON)',
} as const;
type Kind = keyof typeof KINDS;

/** What to tell the user when a mutation came back with an error instead of a result. */
function describeError(error: CombinedError): string {
  const codes = error.graphQLErrors.map((e) => e.extensions?.['code']);
  if (codes.includes('FORBIDDEN'))
    return 'The gateway refused: your role may not import (OPERATOR or ADMIN needed).';
  if (codes.includes('UNAUTHENTICATED')) return 'The gateway refused the token: sign in again.';
  if (error.networkError) return `The gateway did not answer: ${error.networkError.message}`;
  return `The gateway refused the import: ${error.graphQLErrors.map((e) => e.message).join('; ')}`;
}

/**
 * Import history (every import, from here or the CLI, newest first, live), and for operators and
 * admins an upload form for a real-format file (the same imports as the API and the CLI) with
 * its row-level report.
 */
export function ImportsView({ role }: { role: Role }) {
  const canImport = role === 'ADMIN' || role === 'OPERATOR';
  return (
    <section aria-labelledby="imports-title">
      <ViewHeading id="imports-title" title="Imports">
        Imports
      </ViewHeading>
      {canImport ? (
        <ImportForm />
      ) : (
        <p className="muted" data-testid="import-not-allowed">
          Importing needs an OPERATOR or ADMIN token; this token ({role}) can read the history below.
        </p>
      )}
      <ImportHistory />
    </section>
  );
}

function ImportHistory() {
  const [result, refetch] = useQuery({ query: ImportHistoryDocument, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  useSubscription({ query: ImportCompletedEventsDocument, variables: {} }, () => {
    refetch({ requestPolicy: 'network-only' });
    return undefined;
  });
  const imports = result.data?.imports ?? [];
  return (
    <div className="card">
      <h2>Import history</h2>
      {result.error && <p role="alert">The history could not be loaded: {result.error.message}</p>}
      <div className="table-wrap">
        <table data-testid="import-history">
          <thead>
            <tr>
              <th scope="col">Completed</th>
              <th scope="col">Kind</th>
              <th scope="col">File</th>
              <th scope="col">By</th>
              <th scope="col">Rows</th>
              <th scope="col">New</th>
              <th scope="col">Unchanged</th>
              <th scope="col">Overwritten</th>
              <th scope="col">Conflicting</th>
              <th scope="col">Rejected</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id}>
                <td>{formatUtc(i.completedDateTime)}</td>
                <td>{i.kind}</td>
                <td>{i.fileName}</td>
                <td>{i.importedBy ?? '—'}</td>
                <td>{i.rowCount}</td>
                <td>{i.newCount}</td>
                <td>{i.unchangedCount}</td>
                <td>{i.overwrittenCount}</td>
                <td>{i.conflictingCount}</td>
                <td>{i.rejectedRowCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.data && imports.length === 0 && <p className="muted">No import yet.</p>}
    </div>
  );
}

function ImportForm() {
  const [kind, setKind] = useState<Kind>('SERIAL');
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [stage, setStage] = useState<'idle' | 'reading' | 'importing' | 'done' | 'failed'>('idle');
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
    const answer =
      kind === 'AUTOPILOT'
        ? await importAutopilot({ file: input })
        : kind === 'ABM'
          ? await importAbm({ file: input })
          : await importIdentifiers({ file: input, identifierType: kind });
    const response = answer.data ? Object.values(answer.data)[0] : undefined;
    if (answer.error || !response) {
      setStage('failed');
      setError(answer.error ? describeError(answer.error) : 'The gateway sent no result for the import.');
      return;
    }
    setStage('done');
    setResult(response as ImportResult);
  };

  return (
    <>
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
                : stage === 'failed'
                  ? 'Failed.'
                  : ''}
        </p>
      </form>
      {error && <p role="alert">{error}</p>}
      {result && <ImportReport result={result} />}
    </>
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
