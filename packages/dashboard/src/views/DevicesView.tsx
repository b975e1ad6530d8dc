import {
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
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
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { formatRelative, formatUtc } from '../lib/format';
import { useNow, useRefetchOnReconnect } from '../lib/hooks';

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

/** The device table: server-side filters, search, sorting and cursor pages; rows update live on check-in. */
export function DevicesView() {
  const [filter, setFilter] = useState<ManagedDeviceFilter>({});
  const [search, setSearch] = useState('');
  const [orderBy, setOrderBy] = useState<ManagedDeviceOrderField>('enrolledDateTime');
  const [direction, setDirection] = useState<OrderDirection>('DESC');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const variables = useMemo(
    () => ({
      first: PAGE_SIZE,
      after,
      orderBy,
      direction,
      filter: { ...filter, ...(search.trim() ? { search: search.trim() } : {}) },
    }),
    [filter, search, orderBy, direction, after],
  );
  const [result, refetch] = useQuery({ query: ManagedDevicesDocument, variables });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
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
  // New enrollments may belong on the page shown: refetch it, at most twice a second.
  const pendingRefetch = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pendingRefetch.current) clearTimeout(pendingRefetch.current);
    },
    [],
  );
  useSubscription({ query: DeviceEnrolledDocument, variables: {} }, () => {
    pendingRefetch.current ??= setTimeout(() => {
      pendingRefetch.current = null;
      refetch({ requestPolicy: 'network-only' });
    }, 500);
    return undefined;
  });
  const now = useNow();
  const update = (next: Partial<ManagedDeviceFilter>) => {
    setFilter((f) => ({ ...f, ...next }));
    setCursors([null]);
  };
  const sortBy = (field: ManagedDeviceOrderField) => {
    if (field === orderBy) setDirection((d) => (d === 'ASC' ? 'DESC' : 'ASC'));
    else setOrderBy(field);
    setCursors([null]);
  };
  const sortMark = (field: ManagedDeviceOrderField) =>
    field === orderBy ? (direction === 'ASC' ? ' ▲' : ' ▼') : '';

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <div className="filters" role="search">
        <input
          aria-label="Search serial, IMEI or device name"
          placeholder="Serial, IMEI or name"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setCursors([null]);
          }}
        />
        <Select
          label="Platform"
          values={PLATFORMS}
          value={filter.platform}
          onChange={(platform) => update({ platform })}
        />
        <Select
          label="Owner"
          values={OWNERS}
          value={filter.managedDeviceOwnerType}
          onChange={(managedDeviceOwnerType) => update({ managedDeviceOwnerType })}
        />
        <Select
          label="Method"
          values={METHODS}
          value={filter.enrollmentMethod}
          onChange={(enrollmentMethod) => update({ enrollmentMethod })}
        />
        <Select
          label="State"
          values={STATES}
          value={filter.managementState}
          onChange={(managementState) => update({ managementState })}
        />
        <Select
          label="Certificate"
          values={CERTIFICATES}
          value={filter.certificateStatus}
          onChange={(certificateStatus) => update({ certificateStatus })}
        />
        <input
          aria-label="User principal name"
          placeholder="User (UPN)"
          value={filter.userPrincipalName ?? ''}
          onChange={(e) => update({ userPrincipalName: e.target.value || undefined })}
        />
      </div>
      {result.error && <p role="alert">{result.error.message}</p>}
      <p className="muted">{connection ? `${connection.totalCount} devices` : 'Loading…'}</p>
      <div className="table-wrap">
        <table data-testid="devices-table">
          <thead>
            <tr>
              <th>
                <button className="link" onClick={() => sortBy('deviceName')}>
                  Device{sortMark('deviceName')}
                </button>
              </th>
              <th>Platform</th>
              <th>Serial / IMEI</th>
              <th>Owner</th>
              <th>Method</th>
              <th>State</th>
              <th>User</th>
              <th>
                <button className="link" onClick={() => sortBy('enrolledDateTime')}>
                  Enrolled{sortMark('enrolledDateTime')}
                </button>
              </th>
              <th>
                <button className="link" onClick={() => sortBy('lastSyncDateTime')}>
                  Last check-in{sortMark('lastSyncDateTime')}
                </button>
              </th>
            </tr>
          </thead>
          <tbody>
            {connection?.edges.map(({ node }) => {
              const synced = lastSync?.[node.id] ?? node.lastSyncDateTime;
              return (
                <tr key={node.id} data-device-id={node.id}>
                  <td>
                    <a href={`#/devices/${node.id}`}>{node.deviceName}</a>
                  </td>
                  <td>
                    {node.operatingSystem} {node.osVersion}
                  </td>
                  <td>{node.serialNumber ?? node.imei ?? '—'}</td>
                  <td>{node.managedDeviceOwnerType}</td>
                  <td>{node.enrollmentMethod}</td>
                  <td>{node.managementState}</td>
                  <td>{node.userPrincipalName ?? '—'}</td>
                  <td title={formatRelative(node.enrolledDateTime, now)}>
                    {formatUtc(node.enrolledDateTime)}
                  </td>
                  <td title={formatRelative(synced, now)} data-testid="last-sync" data-instant={synced}>
                    {formatUtc(synced)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <span>Page {cursors.length}</span>
        <button
          disabled={!connection?.pageInfo.hasNextPage}
          onClick={() =>
            connection?.pageInfo.endCursor && setCursors((c) => [...c, connection.pageInfo.endCursor ?? null])
          }
        >
          Next
        </button>
      </div>
    </section>
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
