import { ManagedDevicesDocument } from '@mdm/schema';
import { useQuery } from 'urql';
import { useRefetchOnReconnect } from '../lib/hooks';

/** Fleet overview: live tiles and activity per minute. */
export function OverviewView() {
  const [all, refetch] = useQuery({ query: ManagedDevicesDocument, variables: { first: 1 } });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="tiles">
        <div className="tile"><span className="tile-value">{all.data?.managedDevices.totalCount ?? '…'}</span><span>Managed devices</span></div>
      </div>
    </section>
  );
}
