import {
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  RetireDeviceDocument,
  type ManagedDeviceFieldsFragment,
  type Role,
  type DeviceCertificateFilter,
  ManagedDevicesDocument,
  type DevicePlatform,
  type EnrollmentMethodKind,
  type ManagedDeviceFilter,
  type ManagedDeviceOrderField,
  type ManagedDeviceOwnerType,
  type ManagementState,
  type OrderDirection,
} from '@mdm/schema';
import { useEffect, useMemo, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ViewHeading } from '../components/ViewHeading';
import { devicesToCsv } from '../lib/device-csv';
import { formatRelative, formatUtc } from '../lib/format';
import { useDebounced, useHashQuery, useNow, useRefetchOnReconnect } from '../lib/hooks';

const PLATFORMS: DevicePlatform[] = ['IOS', 'MACOS', 'WINDOWS', 'ANDROID'];
const OWNERS: ManagedDeviceOwnerType[] = ['company', 'personal'];
const METHODS: EnrollmentMethodKind[] = [
  'BYOD',
  'DEM',
  'DEP',
  'USB_SA',
  'USB_DIRECT',
  'AUTO_ENROLL',
  'BULK_ENROLL',
  'ANDROID_FOR_WORK',
];
const STATES: ManagementState[] = [
  'managed',
  'retirePending',
  'retired',
  'wipePending',
  'wiped',
  'deletePending',
];
const CERTIFICATES: DeviceCertificateFilter[] = ['VALID', 'EXPIRING', 'EXPIRED', 'NONE'];
const PAGE_SIZE = 25;
/** The CSV export stops after this many devices (20 requests of 500). */
const EXPORT_MAX = 10_000;

type Device = ManagedDeviceFieldsFragment;

/** The sortable columns, with their header. */
const SORTABLE: Partial<Record<ManagedDeviceOrderField, string>> = {
  deviceName: 'Device',
  enrolledDateTime: 'Enrolled',
  lastSyncDateTime: 'Last check-in',
};

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;

/**
 * The device table: server-side filters, debounced search, sorting and cursor pages, all kept in
 * the URL. Rows update live on check-in; new enrollments do not reorder the rows under the
 * pointer but are counted ("N new devices, show them"). CSV export of every matching device;
 * operators and admins can retire several devices after one confirmation that names them.
 */
export function DevicesView({ role }: { role: Role }) {
  const client = useClient();
  const [query, setQuery] = useHashQuery();
  const filter: ManagedDeviceFilter = {
    platform: oneOf(PLATFORMS, query.get('platform')),
    managedDeviceOwnerType: oneOf(OWNERS, query.get('owner')),
    enrollmentMethod: oneOf(METHODS, query.get('method')),
    managementState: oneOf(STATES, query.get('state')),
    certificateStatus: oneOf(CERTIFICATES, query.get('certificate')),
    userPrincipalName: query.get('user') || undefined,
  };
  const orderBy =
    oneOf(Object.keys(SORTABLE) as ManagedDeviceOrderField[], query.get('sort')) ?? 'enrolledDateTime';
  const direction: OrderDirection = query.get('dir') === 'ASC' ? 'ASC' : 'DESC';
  const cursors = (query.get('pages') ?? '').split(',').filter(Boolean);
  const after = cursors.at(-1) ?? null;
  // What is typed shows at once; the request waits until typing pauses.
  const [search, setSearch] = useState(query.get('search') ?? '');
  const settledSearch = useDebounced(search.trim(), 300);
  useEffect(() => {
    if (settledSearch !== (query.get('search') ?? '')) setQuery({ search: settledSearch, pages: undefined });
  }, [settledSearch, query, setQuery]);
  // Keyed by the URL's query text, so an unchanged URL keeps the same variables object.
  const queryText = query.toString();
  const fullFilter = useMemo(
    () => ({ ...filter, ...(query.get('search') ? { search: query.get('search')! } : {}) }),
    [queryText],
  );
  const variables = useMemo(
    () => ({ first: PAGE_SIZE, after, orderBy, direction, filter: fullFilter }),
    [fullFilter, orderBy, direction, after],
  );
  // Opening the view always asks the gateway (a cached page would miss what enrolled meanwhile).
  const [result, refetch] = useQuery({
    query: ManagedDevicesDocument,
    variables,
    requestPolicy: 'cache-and-network',
  });
  const [newDevices, setNewDevices] = useState(0);
  const showNew = () => {
    setNewDevices(0);
    refetch({ requestPolicy: 'network-only' });
  };
  useRefetchOnReconnect(showNew);
  const connection = result.data?.managedDevices;
  const shown = useMemo(() => new Set(connection?.edges.map((e) => e.node.id)), [connection]);
  const [{ data: lastSync }] = useSubscription(
    { query: DeviceCheckedInDocument, variables: {} },
    (previous: Record<string, string> = {}, event) => {
      const checkedIn = event.deviceCheckedIn;
      return shown.has(checkedIn.deviceId)
        ? { ...previous, [checkedIn.deviceId]: checkedIn.device?.lastSyncDateTime ?? checkedIn.occurredAt }
        : previous;
    },
  );
  // New enrollments are counted, never inserted: rows do not move under the pointer during a rollout.
  useSubscription({ query: DeviceEnrolledDocument, variables: {} }, () => {
    setNewDevices((n) => n + 1);
    return undefined;
  });
  const now = useNow();
  const update = (next: Record<string, string | undefined>) => setQuery({ ...next, pages: undefined });
  const sortBy = (field: ManagedDeviceOrderField) =>
    setQuery({
      sort: field,
      dir: field === orderBy ? (direction === 'ASC' ? 'DESC' : 'ASC') : 'DESC',
      pages: undefined,
    });

  const [selected, setSelected] = useState<ReadonlyMap<string, Device>>(new Map());
  const [confirming, setConfirming] = useState(false);
  const [bulkMessage, setBulkMessage] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const canAct = role === 'ADMIN' || role === 'OPERATOR';
  const toggle = (device: Device) =>
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(device.id)) next.delete(device.id);
      else next.set(device.id, device);
      return next;
    });
  const pageDevices = connection?.edges.map((e) => e.node) ?? [];
  const allOnPage = pageDevices.length > 0 && pageDevices.every((d) => selected.has(d.id));

  const retireSelected = async () => {
    setConfirming(false);
    const devices = [...selected.values()];
    let done = 0;
    const refused: string[] = [];
    for (const device of devices) {
      const answer = await client.mutation(RetireDeviceDocument, { deviceId: device.id }).toPromise();
      const payload = answer.data?.retireDevice;
      if (answer.error) refused.push(`${device.deviceName}: ${answer.error.message}`);
      else if (payload && 'message' in payload) refused.push(`${device.deviceName}: ${payload.message}`);
      else done++;
    }
    setSelected(new Map());
    setBulkMessage(
      `Retire requested for ${done} of ${devices.length} devices; each is retired at its next check-in.${
        refused.length ? ` Refused: ${refused.join('; ')}` : ''
      }`,
    );
  };

  const exportCsv = async () => {
    setExporting('Exporting…');
    const devices: Device[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page = await client
          .query(
            ManagedDevicesDocument,
            { first: 500, after: cursor, orderBy, direction, filter: fullFilter },
            { requestPolicy: 'network-only' },
          )
          .toPromise();
        if (page.error || !page.data) throw new Error(page.error?.message ?? 'no answer');
        devices.push(...page.data.managedDevices.edges.map((e) => e.node));
        cursor = page.data.managedDevices.pageInfo.hasNextPage
          ? page.data.managedDevices.pageInfo.endCursor
          : null;
        setExporting(`Exporting… ${devices.length} devices`);
      } while (cursor && devices.length < EXPORT_MAX);
      const csv = await devicesToCsv(devices);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = `devices-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}Z.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
      setExporting(`Exported ${devices.length} devices${cursor ? ` (the first ${EXPORT_MAX})` : ''}.`);
    } catch (error) {
      setExporting(`Export failed: ${(error as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="devices-title">
      <ViewHeading id="devices-title" title="Devices">
        Devices
      </ViewHeading>
      <div className="filters" role="search">
        <input
          type="search"
          aria-label="Search serial, IMEI or device name"
          placeholder="Serial, IMEI or name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Select
          label="Platform"
          values={PLATFORMS}
          value={filter.platform}
          onChange={(v) => update({ platform: v })}
        />
        <Select
          label="Owner"
          values={OWNERS}
          value={filter.managedDeviceOwnerType}
          onChange={(v) => update({ owner: v })}
        />
        <Select
          label="Method"
          values={METHODS}
          value={filter.enrollmentMethod}
          onChange={(v) => update({ method: v })}
        />
        <Select
          label="State"
          values={STATES}
          value={filter.managementState}
          onChange={(v) => update({ state: v })}
        />
        <Select
          label="Certificate"
          values={CERTIFICATES}
          value={filter.certificateStatus}
          onChange={(v) => update({ certificate: v })}
        />
        <input
          aria-label="User principal name"
          placeholder="User (UPN)"
          defaultValue={filter.userPrincipalName ?? ''}
          onBlur={(e) => update({ user: e.target.value.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') update({ user: e.currentTarget.value.trim() || undefined });
          }}
        />
      </div>
      {result.error && <p role="alert">The devices could not be loaded: {result.error.message}</p>}
      <div className="filters">
        <span className="muted" data-testid="device-count">
          {connection ? `${connection.totalCount} devices` : 'Loading…'}
        </span>
        {newDevices > 0 && (
          <button className="primary" onClick={showNew} data-testid="show-new">
            {newDevices} new {newDevices === 1 ? 'device' : 'devices'}, show them
          </button>
        )}
        <button onClick={() => void exportCsv()} disabled={exporting === 'Exporting…'}>
          Export CSV
        </button>
        {canAct && (
          <button disabled={selected.size === 0} className="danger" onClick={() => setConfirming(true)}>
            Retire selected ({selected.size})
          </button>
        )}
        <span role="status" className="muted">
          {exporting ?? ''}
        </span>
      </div>
      {bulkMessage && (
        <p role="status" data-testid="bulk-result">
          {bulkMessage}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Retire ${selected.size} ${selected.size === 1 ? 'device' : 'devices'}?`}
          confirmLabel={`Retire ${selected.size}`}
          danger
          onConfirm={() => void retireSelected()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Each device is sent a retire command: company data and the MDM profile are removed at its next
            check-in. These devices:
          </p>
          <ul className="dialog-list">
            {[...selected.values()].map((d) => (
              <li key={d.id}>
                {d.deviceName} ({d.serialNumber ?? d.imei ?? d.id})
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
      <div className="table-wrap">
        <table data-testid="devices-table" className="responsive">
          <thead>
            <tr>
              {canAct && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every device on this page"
                    checked={allOnPage}
                    onChange={() =>
                      setSelected((current) => {
                        const next = new Map(current);
                        for (const d of pageDevices) {
                          if (allOnPage) next.delete(d.id);
                          else next.set(d.id, d);
                        }
                        return next;
                      })
                    }
                  />
                </th>
              )}
              <SortHeader field="deviceName" orderBy={orderBy} direction={direction} onSort={sortBy} />
              <th scope="col">Platform</th>
              <th scope="col">Serial / IMEI</th>
              <th scope="col">Owner</th>
              <th scope="col">Method</th>
              <th scope="col">State</th>
              <th scope="col">User</th>
              <SortHeader field="enrolledDateTime" orderBy={orderBy} direction={direction} onSort={sortBy} />
              <SortHeader field="lastSyncDateTime" orderBy={orderBy} direction={direction} onSort={sortBy} />
            </tr>
          </thead>
          <tbody>
            {pageDevices.map((node) => {
              const synced = lastSync?.[node.id] ?? node.lastSyncDateTime;
              return (
                <tr key={node.id} data-device-id={node.id}>
                  {canAct && (
                    <td data-label="Select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${node.deviceName}`}
                        checked={selected.has(node.id)}
                        onChange={() => toggle(node)}
                      />
                    </td>
                  )}
                  <td data-label="Device">
                    <a href={`#/devices/${node.id}`}>{node.deviceName}</a>
                  </td>
                  <td data-label="Platform">
                    {node.operatingSystem} {node.osVersion}
                  </td>
                  <td data-label="Serial / IMEI" className="nowrap" data-testid="serial">
                    {node.serialNumber ?? node.imei ?? '—'}
                  </td>
                  <td data-label="Owner">{node.managedDeviceOwnerType}</td>
                  <td data-label="Method">{node.enrollmentMethod}</td>
                  <td data-label="State" className="nowrap">
                    {node.managementState}
                  </td>
                  <td data-label="User">{node.userPrincipalName ?? '—'}</td>
                  <td data-label="Enrolled" title={formatRelative(node.enrolledDateTime, now)}>
                    {formatUtc(node.enrolledDateTime)}
                  </td>
                  <td
                    data-label="Last check-in"
                    title={formatRelative(synced, now)}
                    data-testid="last-sync"
                    data-instant={synced}
                  >
                    {formatUtc(synced)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button
          disabled={cursors.length === 0}
          onClick={() => setQuery({ pages: cursors.slice(0, -1).join(',') || undefined })}
        >
          Previous
        </button>
        <span>Page {cursors.length + 1}</span>
        <button
          disabled={!connection?.pageInfo.hasNextPage}
          onClick={() =>
            connection?.pageInfo.endCursor &&
            setQuery({ pages: [...cursors, connection.pageInfo.endCursor].join(',') })
          }
        >
          Next
        </button>
      </nav>
    </section>
  );
}

/** A sortable column header: a button, and `aria-sort` on the sorted column. */
function SortHeader({
  field,
  orderBy,
  direction,
  onSort,
}: {
  field: ManagedDeviceOrderField;
  orderBy: ManagedDeviceOrderField;
  direction: OrderDirection;
  onSort: (field: ManagedDeviceOrderField) => void;
}) {
  const sorted = field === orderBy;
  return (
    <th scope="col" aria-sort={sorted ? (direction === 'ASC' ? 'ascending' : 'descending') : 'none'}>
      <button className="link" onClick={() => onSort(field)}>
        {SORTABLE[field]}
        <span aria-hidden="true">{sorted ? (direction === 'ASC' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

function Select<T extends string>({
  label,
  values,
  value,
  onChange,
}: {
  label: string;
  values: readonly T[];
  value?: T | null;
  onChange: (value: T | undefined) => void;
}) {
  return (
    <select
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}
    >
      <option value="">{label}: all</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </select>
  );
}
