import { DeviceCheckedInDocument, ManagedDevicesDocument } from '@mdm/schema';
import { useQuery, useSubscription } from 'urql';

/** First slice of the operations dashboard: the newest devices and the last check-in, live. */
export function App() {
  const [devices] = useQuery({ query: ManagedDevicesDocument, variables: { first: 20 } });
  const [lastCheckIn] = useSubscription({ query: DeviceCheckedInDocument, variables: {} });
  const connection = devices.data?.managedDevices;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
      <h1>MDM Enrollment Gateway</h1>
      <p>
        {connection ? `${connection.totalCount} managed devices` : devices.fetching ? 'Loading…' : devices.error?.message}
        {lastCheckIn.data ? ` · last check-in: ${lastCheckIn.data.deviceCheckedIn.device?.deviceName ?? lastCheckIn.data.deviceCheckedIn.deviceId}` : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th align="left">Device</th>
            <th align="left">Platform</th>
            <th align="left">Owner</th>
            <th align="left">User</th>
            <th align="left">Last check-in (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {connection?.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>{node.deviceName}</td>
              <td>{node.operatingSystem}</td>
              <td>{node.managedDeviceOwnerType}</td>
              <td>{node.userPrincipalName ?? '—'}</td>
              <td>{node.lastSyncDateTime}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
