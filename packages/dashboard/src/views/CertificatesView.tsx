import { CertificateWatchlistDocument } from '@mdm/schema';
import { useState } from 'react';
import { useQuery } from 'urql';
import { formatUtc } from '../lib/format';
import { useRefetchOnReconnect } from '../lib/hooks';
import { ViewHeading } from '../components/ViewHeading';

/** Certificates expiring within a window or expired, with each device's removal date (expiry + 180 days). */
export function CertificatesView() {
  const [withinDays, setWithinDays] = useState(30);
  const [includeExpired, setIncludeExpired] = useState(true);
  const [result, refetch] = useQuery({
    query: CertificateWatchlistDocument,
    variables: { withinDays, first: 200, includeExpired },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOnReconnect(() => refetch({ requestPolicy: 'network-only' }));
  const items = result.data?.certificateWatchlist ?? [];
  return (
    <section aria-labelledby="certificates-title">
      <ViewHeading id="certificates-title" title="Certificates">
        Certificates
      </ViewHeading>
      <div className="filters">
        <label htmlFor="within">Expiring within</label>
        <select id="within" value={withinDays} onChange={(e) => setWithinDays(Number(e.target.value))}>
          {[1, 7, 30, 90].map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={includeExpired}
            onChange={(e) => setIncludeExpired(e.target.checked)}
          />{' '}
          Include expired
        </label>
        <span className="muted">
          {result.fetching
            ? 'Loading…'
            : `${items.length} devices${includeExpired ? ' (expired ones first)' : ''}`}
        </span>
      </div>
      {result.error && <p role="alert">{result.error.message}</p>}
      <div className="table-wrap">
        <table data-testid="certificates-table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Platform</th>
              <th>User</th>
              <th>Certificate expires</th>
              <th>Days left</th>
              <th>Removed on</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.device.id}>
                <td>
                  <a href={`#/devices/${item.device.id}`}>{item.device.deviceName}</a>
                </td>
                <td>{item.device.platform}</td>
                <td>{item.device.userPrincipalName ?? '—'}</td>
                <td>{formatUtc(item.notAfter)}</td>
                <td
                  className={
                    item.daysLeft < 0
                      ? 'status-expired'
                      : item.daysLeft <= 7
                        ? 'status-expiring'
                        : 'status-valid'
                  }
                >
                  {item.daysLeft < 0 ? `expired ${-item.daysLeft} d ago` : item.daysLeft}
                </td>
                <td>{formatUtc(item.removalDateTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
