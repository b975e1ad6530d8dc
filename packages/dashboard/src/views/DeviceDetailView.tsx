import {
  AuditRecordsDocument,
  ChangeDeviceOwnershipDocument,
  DeleteDeviceDocument,
  DeviceActionsDocument,
  EnrollmentCatalogDocument,
  ManagedDeviceDocument,
  MdmCertificatesDocument,
  RecentCheckInsDocument,
  RetireDeviceDocument,
  WipeDeviceDocument,
  type Role,
} from '@mdm/schema';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { daysLeft, formatUtc, requirementLabel } from '../lib/format';
import { useNow, useRefetchOnReconnect } from '../lib/hooks';

/** One device: identity, owner, method and its seed rules, and (for admins) its audit trail. */
export function DeviceDetailView({ id, role }: { id: string; role: Role }) {
  const [result, refetch] = useQuery({ query: ManagedDeviceDocument, variables: { id } });
  const [catalog] = useQuery({ query: EnrollmentCatalogDocument });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  const device = result.data?.managedDevice;
  if (result.error) return <p role="alert">{result.error.message}</p>;
  if (!device) return <p>{result.fetching ? 'Loading…' : 'No such device.'}</p>;
  const rule = catalog.data?.enrollmentCatalog
    .find((t) => t.platform === device.platform)
    ?.methods.find((m) => m.method === device.enrollmentMethod);
  return (
    <section aria-labelledby="device-title">
      <p>
        <a href="#/devices">← Devices</a>
      </p>
      <h1 id="device-title">{device.deviceName}</h1>
      <div className="grid">
        <div className="card">
          <h2>Identity</h2>
          <dl>
            <dt>Id</dt>
            <dd>
              <code>{device.id}</code>
            </dd>
            <dt>Operating system</dt>
            <dd>
              {device.operatingSystem} {device.osVersion}
            </dd>
            <dt>Model</dt>
            <dd>{[device.manufacturer, device.model].filter(Boolean).join(' ') || '—'}</dd>
            <dt>Serial number</dt>
            <dd>{device.serialNumber ?? '—'}</dd>
            <dt>IMEI</dt>
            <dd>{device.imei ?? '—'}</dd>
            <dt>Management state</dt>
            <dd data-testid="management-state">{device.managementState}</dd>
            <dt>Enrolled</dt>
            <dd>{formatUtc(device.enrolledDateTime)}</dd>
            <dt>Last check-in</dt>
            <dd>{formatUtc(device.lastSyncDateTime)}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Owner and method</h2>
          <dl>
            <dt>Owner type</dt>
            <dd>{device.managedDeviceOwnerType}</dd>
            <dt>User</dt>
            <dd>
              {device.user
                ? `${device.user.displayName} (${device.user.userPrincipalName})`
                : 'none (userless)'}
            </dd>
            <dt>Method</dt>
            <dd>
              {rule?.displayName ?? device.enrollmentMethod} · {device.enrollmentType}
            </dd>
            <dt>Reset required</dt>
            <dd>{rule ? requirementLabel(rule.resetRequired) : '…'}</dd>
            <dt>User affinity</dt>
            <dd>{rule ? requirementLabel(rule.userAffinity) : '…'}</dd>
            <dt>Locked</dt>
            <dd>{rule ? requirementLabel(rule.locked) : '…'}</dd>
          </dl>
        </div>
      </div>
      {(role === 'ADMIN' || role === 'OPERATOR') && (
        <DeviceActions
          deviceId={device.id}
          ownerType={device.managedDeviceOwnerType}
          onDone={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
      <Certificates deviceId={device.id} />
      <RecentCheckIns deviceId={device.id} />
      <ActionHistory deviceId={device.id} />
      {role === 'ADMIN' && <AuditTrail deviceId={device.id} />}
    </section>
  );
}

function AuditTrail({ deviceId }: { deviceId: string }) {
  const [result] = useQuery({ query: AuditRecordsDocument, variables: { targetId: deviceId, first: 20 } });
  return (
    <div className="card">
      <h2>Audit trail</h2>
      <ul data-testid="audit-trail">
        {result.data?.auditRecords.nodes.map((r) => (
          <li key={r.id}>
            {formatUtc(r.occurredDateTime)} · {r.action} · {r.outcome}
            {r.code ? ` (${r.code})` : ''} · {r.actorName ?? 'device'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Retire, wipe, delete, change ownership: each asks for confirmation, then shows the gateway's answer. */
function DeviceActions({
  deviceId,
  ownerType,
  onDone,
}: {
  deviceId: string;
  ownerType: string;
  onDone: () => void;
}) {
  const [, retire] = useMutation(RetireDeviceDocument);
  const [, wipe] = useMutation(WipeDeviceDocument);
  const [, remove] = useMutation(DeleteDeviceDocument);
  const [, changeOwner] = useMutation(ChangeDeviceOwnershipDocument);
  const [message, setMessage] = useState<string | null>(null);
  const run = async (
    label: string,
    action: () => Promise<{
      data?: Record<string, { __typename: string; message?: string } | undefined> | null;
      error?: { message: string };
    }>,
  ) => {
    if (!window.confirm(`${label}: are you sure?`)) return;
    const result = await action();
    const payload = result.data ? Object.values(result.data)[0] : undefined;
    if (result.error) setMessage(`${label} failed: ${result.error.message}`);
    else if (payload && 'message' in payload && payload.message)
      setMessage(`${label} refused: ${payload.message}`);
    else setMessage(`${label}: done.`);
    onDone();
  };
  const newOwner = ownerType === 'company' ? 'personal' : 'company';
  return (
    <div className="card">
      <h2>Actions</h2>
      <div className="filters">
        <button onClick={() => void run('Retire', () => retire({ deviceId }))}>Retire</button>
        <button className="danger" onClick={() => void run('Wipe', () => wipe({ deviceId }))}>
          Wipe
        </button>
        <button
          onClick={() =>
            void run(`Change ownership to ${newOwner}`, () => changeOwner({ deviceId, ownerType: newOwner }))
          }
        >
          Make {newOwner}
        </button>
        <button
          className="danger"
          onClick={() =>
            void run('Delete', async () => {
              const result = await remove({ deviceId });
              if (result.data?.deleteDevice.__typename === 'DeleteDeviceSuccess') location.hash = '#/devices';
              return result;
            })
          }
        >
          Delete
        </button>
      </div>
      {message && (
        <p role="status" data-testid="action-result">
          {message}
        </p>
      )}
    </div>
  );
}

/** The device's MDM certificates, current first: serial, thumbprint, validity, days left, renewals. */
function Certificates({ deviceId }: { deviceId: string }) {
  const [result] = useQuery({
    query: MdmCertificatesDocument,
    variables: { deviceId },
    requestPolicy: 'cache-and-network',
  });
  const now = useNow(60_000);
  const certificates = result.data?.mdmCertificates ?? [];
  return (
    <div className="card">
      <h2>MDM certificate</h2>
      <div className="table-wrap">
        <table data-testid="certificates">
          <thead>
            <tr>
              <th>Serial</th>
              <th>SHA-256 thumbprint</th>
              <th>Valid from</th>
              <th>Valid until</th>
              <th>Days left</th>
              <th>Removal if not renewed</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {certificates.map((c) => (
              <tr key={c.id}>
                <td>
                  <code>{c.serialNumber}</code>
                </td>
                <td>
                  <code title={c.sha256Thumbprint}>{c.sha256Thumbprint.slice(0, 16)}…</code>
                </td>
                <td>{formatUtc(c.notBefore)}</td>
                <td>{formatUtc(c.notAfter)}</td>
                <td>{daysLeft(c.notAfter, now)}</td>
                <td>{formatUtc(c.removalDateTime)}</td>
                <td className={`status-${c.status}`}>
                  {c.status}
                  {c.revocationReason ? ` (${c.revocationReason})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RecentCheckIns({ deviceId }: { deviceId: string }) {
  const [result] = useQuery({
    query: RecentCheckInsDocument,
    variables: { deviceId, first: 10 },
    requestPolicy: 'cache-and-network',
  });
  return (
    <div className="card">
      <h2>Recent check-ins</h2>
      <ul data-testid="recent-check-ins">
        {result.data?.recentCheckIns.map((c) => (
          <li key={c.id}>
            {formatUtc(c.checkedInDateTime)} · {c.proofType}
            {c.renewed ? ' · certificate renewed' : ''}
          </li>
        ))}
      </ul>
      {result.data?.recentCheckIns.length === 0 && <p className="muted">No check-in yet.</p>}
    </div>
  );
}

function ActionHistory({ deviceId }: { deviceId: string }) {
  const [result] = useQuery({
    query: DeviceActionsDocument,
    variables: { id: deviceId },
    requestPolicy: 'cache-and-network',
  });
  const actions = result.data?.managedDevice?.actions ?? [];
  if (actions.length === 0) return null;
  return (
    <div className="card">
      <h2>Action history</h2>
      <ul>
        {actions.map((a) => (
          <li key={a.id}>
            {formatUtc(a.requestedDateTime)} · {a.action} · {a.state}
            {a.completedDateTime ? ` (${formatUtc(a.completedDateTime)})` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
