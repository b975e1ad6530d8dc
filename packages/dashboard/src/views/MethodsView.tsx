import {
  EnrollmentCatalogDocument,
  ManagedDevicesDocument,
  type DevicePlatform,
  type EnrollmentMethodKind,
} from '@mdm/schema';
import { useQuery } from 'urql';
import { requirementLabel } from '../lib/format';
import { useRefetchOnReconnect } from '../lib/hooks';
import { ViewHeading } from '../components/ViewHeading';
import { PendingEnrollments } from './PendingEnrollments';

/** The seed's four tables, rendered from the catalog query, with the devices enrolled by each row. */
export function MethodsView() {
  const [catalog] = useQuery({ query: EnrollmentCatalogDocument });
  return (
    <section aria-labelledby="methods-title">
      <ViewHeading id="methods-title" title="Enrollment methods">
        Enrollment methods
      </ViewHeading>
      {catalog.error && <p role="alert">{catalog.error.message}</p>}
      {catalog.data?.enrollmentCatalog.map((table) => (
        <div key={table.platform} className="card">
          <h2>{table.platform}</h2>
          <div className="table-wrap">
            <table data-testid={`methods-${table.platform}`}>
              <thead>
                <tr>
                  <th>Method</th>
                  <th>Reset required</th>
                  <th>User affinity</th>
                  <th>Locked</th>
                  <th>Graph enrollment types</th>
                  <th>Devices</th>
                </tr>
              </thead>
              <tbody>
                {table.methods.map((m) => (
                  <tr key={m.method}>
                    <td title={m.description}>{m.displayName}</td>
                    <td>{requirementLabel(m.resetRequired)}</td>
                    <td>{requirementLabel(m.userAffinity)}</td>
                    <td>{requirementLabel(m.locked)}</td>
                    <td>{m.deviceEnrollmentTypes.join(', ')}</td>
                    <td>
                      <DeviceCount platform={table.platform} method={m.method} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      <PendingEnrollments />
    </section>
  );
}

function DeviceCount({ platform, method }: { platform: DevicePlatform; method: EnrollmentMethodKind }) {
  const [result, refetch] = useQuery({
    query: ManagedDevicesDocument,
    variables: { first: 1, filter: { platform, enrollmentMethod: method } },
  });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  const total = result.data?.managedDevices.totalCount;
  return (
    <a
      href={`#/devices?platform=${platform}&method=${method}`}
      aria-label={`${total ?? 'Loading'} ${platform} ${method} devices`}
    >
      {total ?? '…'}
    </a>
  );
}
