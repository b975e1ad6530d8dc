import {
  AuditRecordsDocument,
  ChangeDeviceOwnershipDocument,
  DeleteDeviceDocument,
  DeviceActionsDocument,
  EnrollmentCatalogDocument,
  ManagedDeviceDocument,
  ManagedDeviceProtocolDocument,
  MdmCertificatesDocument,
  RecentCheckInsDocument,
  RetireDeviceDocument,
  SyncDeviceDocument,
  WipeDeviceDocument,
  DeviceCheckedInDocument,
  type Role,
} from '@mdm/schema';
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ViewHeading } from '../components/ViewHeading';
import { daysLeft, formatUtc, requirementLabel } from '../lib/format';
import { useNow, useRefetchOnReconnect } from '../lib/hooks';

/** A device id as the API issues them (RFC 9562 UUID text). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a pending management state waits for, as shown beside the actions. */
const PENDING: Record<string, string> = {
  retirePending: 'Retire requested',
  wipePending: 'Wipe requested',
  deletePending: 'Delete requested',
};

/** The device page, or a plain message when the address holds no device id. */
export function DeviceDetailView({ id, role }: { id: string; role: Role }) {
  if (!UUID.test(id)) {
    return (
      <section aria-labelledby="device-title">
        <ViewHeading id="device-title" title="No such device">
          No such device
        </ViewHeading>
        <p role="alert" data-testid="device-error">
          “{id}” is not a device id: device addresses end in an id such as
          0f8fad5b-d9cb-469f-a165-70867728950e.
        </p>
        <p>
          <a href="#/devices">Back to the devices</a>
        </p>
      </section>
    );
  }
  return <DeviceDetail id={id} role={role} />;
}

/**
 * One device: identity, owner, method and its seed rules, and (for admins) its audit trail; all
 * of it follows the device live (its check-ins) and the actions taken here.
 */
function DeviceDetail({ id, role }: { id: string; role: Role }) {
  const [result, refetch] = useQuery({ query: ManagedDeviceDocument, variables: { id } });
  const [catalog] = useQuery({ query: EnrollmentCatalogDocument });
  // Bumped by this device's check-ins and by actions: every card re-reads what it shows.
  const [version, setVersion] = useState(0);
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    setVersion((v) => v + 1);
  };
  useRefetchOnReconnect(reload);
  useSubscription({ query: DeviceCheckedInDocument, variables: { filter: { deviceId: id } } }, () => {
    reload();
    return undefined;
  });
  const device = result.data?.managedDevice;
  if (result.error) {
    return (
      <p role="alert">
        The device could not be loaded{result.error.networkError ? ': the gateway did not answer' : ''}.{' '}
        {result.error.graphQLErrors.map((e) => e.message).join('; ')}
      </p>
    );
  }
  if (!device) {
    return result.fetching ? (
      <p>Loading…</p>
    ) : (
      <section aria-labelledby="device-title">
        <ViewHeading id="device-title" title="No such device">
          No such device
        </ViewHeading>
        <p data-testid="device-error">No device has the id {id}; it may have been deleted.</p>
        <p>
          <a href="#/devices">Back to the devices</a>
        </p>
      </section>
    );
  }
  const rule = catalog.data?.enrollmentCatalog
    .find((t) => t.platform === device.platform)
    ?.methods.find((m) => m.method === device.enrollmentMethod);
  return (
    <section aria-labelledby="device-title">
      <p>
        <a href="#/devices">← Devices</a>
      </p>
      <ViewHeading id="device-title" title={device.deviceName}>
        {device.deviceName}
      </ViewHeading>
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
          deviceName={device.deviceName}
          serial={device.serialNumber ?? device.imei ?? device.id}
          ownerType={device.managedDeviceOwnerType}
          state={device.managementState}
          onDone={reload}
        />
      )}
      <AppleMdm
        deviceId={device.id}
        deviceName={device.deviceName}
        mayOperate={role === 'ADMIN' || role === 'OPERATOR'}
        version={version}
      />
      <Certificates deviceId={device.id} version={version} />
      <RecentCheckIns deviceId={device.id} version={version} />
      <ActionHistory deviceId={device.id} version={version} />
      {role === 'ADMIN' && <AuditTrail deviceId={device.id} version={version} />}
    </section>
  );
}

/** Re-reads a card's query whenever `version` moves past its first value. */
function useReload(refetch: (opts: { requestPolicy: 'network-only' }) => void, version: number) {
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version, refetch]);
}

function AuditTrail({ deviceId, version }: { deviceId: string; version: number }) {
  const [result, refetch] = useQuery({
    query: AuditRecordsDocument,
    variables: { targetId: deviceId, first: 20 },
  });
  useReload(refetch, version);
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

/** A device action and how the confirmation describes it. */
interface PendingAction {
  label: string;
  effect: string;
  danger: boolean;
  run: () => Promise<{
    data?: Record<string, { __typename: string; message?: string } | undefined> | null;
    error?: { message: string; networkError?: unknown };
  }>;
}

/**
 * Retire, wipe, delete, change ownership: each is confirmed in a dialog that names the device
 * and says what happens, then shows the gateway's answer. A retire or wipe is "requested" until
 * the device's next check-in carries it out (the state shown follows live).
 */
function DeviceActions({
  deviceId,
  deviceName,
  serial,
  ownerType,
  state,
  onDone,
}: {
  deviceId: string;
  deviceName: string;
  serial: string;
  ownerType: string;
  state: string;
  onDone: () => void;
}) {
  const [, retire] = useMutation(RetireDeviceDocument);
  const [, wipe] = useMutation(WipeDeviceDocument);
  const [, remove] = useMutation(DeleteDeviceDocument);
  const [, changeOwner] = useMutation(ChangeDeviceOwnershipDocument);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const run = async (action: PendingAction) => {
    setPending(null);
    const result = await action.run();
    const payload = result.data ? Object.values(result.data)[0] : undefined;
    if (result.error)
      setMessage(
        `${action.label} failed: ${result.error.networkError ? 'the gateway did not answer' : result.error.message}`,
      );
    else if (payload && 'message' in payload && payload.message)
      setMessage(`${action.label} refused: ${payload.message}`);
    else setMessage(null);
    onDone();
  };
  const newOwner = ownerType === 'company' ? 'personal' : 'company';
  const actions: Record<string, PendingAction> = {
    retire: {
      label: 'Retire',
      effect:
        'Company data and the MDM profile are removed at the device’s next check-in; personal data stays.',
      danger: false,
      run: () => retire({ deviceId }),
    },
    wipe: {
      label: 'Wipe',
      effect: 'The device is reset to factory settings at its next check-in: all data on it is erased.',
      danger: true,
      run: () => wipe({ deviceId }),
    },
    owner: {
      label: `Make ${newOwner}`,
      effect: `The device is recorded as ${newOwner}-owned.`,
      danger: false,
      run: () => changeOwner({ deviceId, ownerType: newOwner }),
    },
    remove: {
      label: 'Delete',
      effect: 'The device record is deleted from the gateway; the device is no longer managed.',
      danger: true,
      run: async () => {
        const result = await remove({ deviceId });
        if (result.data?.deleteDevice.__typename === 'DeleteDeviceSuccess') location.hash = '#/devices';
        return result;
      },
    },
  };
  const requested = PENDING[state];
  return (
    <div className="card">
      <h2>Actions</h2>
      <div className="filters">
        {Object.entries(actions).map(([key, action]) => (
          <button
            key={key}
            className={action.danger ? 'danger' : undefined}
            onClick={() => setPending(action)}
          >
            {action.label}
          </button>
        ))}
      </div>
      {pending && (
        <ConfirmDialog
          title={`${pending.label} ${deviceName}?`}
          confirmLabel={`${pending.label} ${deviceName}`}
          danger={pending.danger}
          onConfirm={() => void run(pending)}
          onCancel={() => setPending(null)}
        >
          <p>
            {deviceName} ({serial})
          </p>
          <p>{pending.effect}</p>
        </ConfirmDialog>
      )}
      <p role="status" data-testid="action-result">
        {message ??
          (requested ? `${requested}: waiting for the device’s next check-in (state ${state}).` : '')}
      </p>
    </div>
  );
}

/** The device's MDM certificates, current first: serial, thumbprint, validity, days left, renewals. */
function Certificates({ deviceId, version }: { deviceId: string; version: number }) {
  const [result, refetch] = useQuery({
    query: MdmCertificatesDocument,
    variables: { deviceId },
    requestPolicy: 'cache-and-network',
  });
  useReload(refetch, version);
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

function RecentCheckIns({ deviceId, version }: { deviceId: string; version: number }) {
  const [result, refetch] = useQuery({
    query: RecentCheckInsDocument,
    variables: { deviceId, first: 10 },
    requestPolicy: 'cache-and-network',
  });
  useReload(refetch, version);
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

function ActionHistory({ deviceId, version }: { deviceId: string; version: number }) {
  const [result, refetch] = useQuery({
    query: DeviceActionsDocument,
    variables: { id: deviceId },
    requestPolicy: 'cache-and-network',
  });
  useReload(refetch, version);
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

/**
 * What the push answered to a sync, said as it happened: only `sent` and `retried` mean the
 * device was woken; otherwise it connects at its own pace (Apple's devices poll only when pushed
 * or on their own schedule).
 */
function pushOutcome(push: string, pushTokenPresent: boolean): string {
  switch (push) {
    case 'sent':
      return 'Push sent: APNs accepted it; the device connects shortly and fetches its queued commands.';
    case 'retried':
      return 'Push sent after retries: APNs accepted it; the device connects shortly.';
    case 'failed':
      return 'Push failed: APNs did not accept it; the device connects at its own pace.';
    case 'unregistered':
      return 'Push refused: APNs no longer knows this device’s push token (the MDM profile may have been removed).';
    case 'skipped':
      return pushTokenPresent
        ? 'No push sent: the gateway has no APNs push certificate configured; the device connects at its own pace.'
        : 'No push sent: the device has sent no push token yet (no TokenUpdate); it connects at its own pace.';
    default:
      return `Push: ${push}.`;
  }
}

/**
 * A device enrolled over Apple's MDM protocol: its push registration (Authenticate, TokenUpdate,
 * CheckOut as Apple's check-in protocol defines them), its command queue with each answer, and a
 * "Sync" that wakes it through APNs. Renders nothing for devices that do not speak the protocol.
 */
function AppleMdm({
  deviceId,
  deviceName,
  mayOperate,
  version,
}: {
  deviceId: string;
  deviceName: string;
  mayOperate: boolean;
  version: number;
}) {
  const [result, refetch] = useQuery({
    query: ManagedDeviceProtocolDocument,
    variables: { id: deviceId, first: 20 },
    requestPolicy: 'cache-and-network',
  });
  useReload(refetch, version);
  const [, sync] = useMutation(SyncDeviceDocument);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState('');
  const device = result.data?.managedDevice;
  const mdm = device?.appleMdm;
  if (!device || !mdm) return null;
  const commands = device.mdmCommands;
  const runSync = async () => {
    setConfirming(false);
    setMessage('Sync: asking APNs…');
    const answer = await sync({ deviceId });
    const payload = answer.data?.syncDevice;
    if (answer.error)
      setMessage(
        `Sync failed: ${answer.error.networkError ? 'the gateway did not answer' : answer.error.message}`,
      );
    else if (payload?.__typename === 'SyncDeviceSuccess')
      setMessage(pushOutcome(payload.push, mdm.pushTokenPresent));
    else if (payload) setMessage(`Sync refused: ${payload.message}`);
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <div className="card" data-testid="apple-mdm">
      <h2>Apple MDM</h2>
      <dl>
        <dt>Push token</dt>
        <dd data-testid="push-token">{mdm.pushTokenPresent ? 'present' : 'none yet (no TokenUpdate)'}</dd>
        <dt>Push topic</dt>
        <dd>
          <code>{mdm.topic}</code>
        </dd>
        <dt>Authenticated</dt>
        <dd>{formatUtc(mdm.authenticatedDateTime)}</dd>
        <dt>Last TokenUpdate</dt>
        <dd>{formatUtc(mdm.lastTokenUpdateDateTime)}</dd>
        <dt>Awaiting configuration</dt>
        <dd>{mdm.awaitingConfiguration ? 'yes (Setup Assistant waits for DeviceConfigured)' : 'no'}</dd>
        <dt>Checked out</dt>
        <dd data-testid="checked-out">
          {mdm.checkedOutDateTime ? `yes, ${formatUtc(mdm.checkedOutDateTime)}` : 'no'}
        </dd>
      </dl>
      {mayOperate && (
        <div className="filters">
          <button onClick={() => setConfirming(true)}>Sync</button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Sync ${deviceName}?`}
          confirmLabel={`Sync ${deviceName}`}
          onConfirm={() => void runSync()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            A push through APNs asks {deviceName} to connect now and fetch its queued commands. Nothing is
            queued or changed.
          </p>
        </ConfirmDialog>
      )}
      <p role="status" data-testid="sync-result">
        {message}
      </p>
      <h3>Command queue</h3>
      {commands.length === 0 ? (
        <p className="muted">No command queued yet.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="mdm-commands">
            <caption className="visually-hidden">Latest {commands.length} MDM commands, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Request type</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">Answered</th>
                <th scope="col">Error chain</th>
              </tr>
            </thead>
            <tbody>
              {commands.map((c) => (
                <tr key={c.commandUuid}>
                  <td>
                    <span title={`CommandUUID ${c.commandUuid}`}>{c.requestType}</span>
                  </td>
                  <td className={`command-${c.status}`}>{c.status}</td>
                  <td>{formatUtc(c.queuedDateTime)}</td>
                  <td>{formatUtc(c.answeredDateTime)}</td>
                  <td>
                    {c.errorChain.length === 0 ? (
                      '—'
                    ) : (
                      <ol className="error-chain">
                        {c.errorChain.map((line, i) => (
                          <li key={i}>{line}</li>
                        ))}
                      </ol>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
