import { AuditRecordsDocument, EnrollmentCatalogDocument, ManagedDeviceDocument, type Role } from '@mdm/schema';
import { useQuery } from 'urql';
import { formatUtc, requirementLabel } from '../lib/format';
import { useRefetchOnReconnect } from '../lib/hooks';

/** One device: identity, owner, method and its seed rules, and (for admins) its audit trail. */
export function DeviceDetailView({ id, role }: { id: string; role: Role }) {
  const [result, refetch] = useQuery({ query: ManagedDeviceDocument, variables: { id } });
  const [catalog] = useQuery({ query: EnrollmentCatalogDocument });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  const device = result.data?.managedDevice;
  if (result.error) return <p role="alert">{result.error.message}</p>;
  if (!device) return <p>{result.fetching ? 'Loading…' : 'No such device.'}</p>;
  const rule = catalog.data?.enrollmentCatalog.find((t) => t.platform === device.platform)?.methods.find((m) => m.method === device.enrollmentMethod);
  return (
    <section aria-labelledby="device-title">
      <p><a href="#/devices">← Devices</a></p>
      <h1 id="device-title">{device.deviceName}</h1>
      <div className="grid">
        <div className="card">
          <h2>Identity</h2>
          <dl>
            <dt>Id</dt><dd><code>{device.id}</code></dd>
            <dt>Operating system</dt><dd>{device.operatingSystem} {device.osVersion}</dd>
            <dt>Model</dt><dd>{[device.manufacturer, device.model].filter(Boolean).join(' ') || '—'}</dd>
            <dt>Serial number</dt><dd>{device.serialNumber ?? '—'}</dd>
            <dt>IMEI</dt><dd>{device.imei ?? '—'}</dd>
            <dt>Management state</dt><dd data-testid="management-state">{device.managementState}</dd>
            <dt>Enrolled</dt><dd>{formatUtc(device.enrolledDateTime)}</dd>
            <dt>Last check-in</dt><dd>{formatUtc(device.lastSyncDateTime)}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Owner and method</h2>
          <dl>
            <dt>Owner type</dt><dd>{device.managedDeviceOwnerType}</dd>
            <dt>User</dt><dd>{device.user ? `${device.user.displayName} (${device.user.userPrincipalName})` : 'none (userless)'}</dd>
            <dt>Method</dt><dd>{rule?.displayName ?? device.enrollmentMethod} · {device.enrollmentType}</dd>
            <dt>Reset required</dt><dd>{rule ? requirementLabel(rule.resetRequired) : '…'}</dd>
            <dt>User affinity</dt><dd>{rule ? requirementLabel(rule.userAffinity) : '…'}</dd>
            <dt>Locked</dt><dd>{rule ? requirementLabel(rule.locked) : '…'}</dd>
          </dl>
        </div>
      </div>
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
