import { PendingEnrollmentListDocument } from '@mdm/schema';
import { useQuery } from 'urql';
import { formatUtc } from '../lib/format';
import { useRefetchOnReconnect } from '../lib/hooks';

/** How the list names an intended ownership. */
const OWNERSHIP: Record<string, string> = { company: 'Corporate', personal: 'Personal', unknown: 'Unknown' };

/**
 * Apple enrollments under way: the MDM certificates issued over SCEP whose device has not sent
 * its Authenticate check-in yet (newest first, at most 500), with the method and ownership the
 * invitation was minted for and the user or device enrollment manager (DEM) it enrolls for.
 * A row leaves the list when the device's check-in completes or refuses the enrollment; SCEP
 * issuance emits no event, so the list is read on display, on reconnect and on "Refresh".
 */
export function PendingEnrollments() {
  const [result, refetch] = useQuery({
    query: PendingEnrollmentListDocument,
    variables: { status: 'pending' },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  useRefetchOnReconnect(reload);
  const rows = result.data?.pendingEnrollments ?? [];
  return (
    <div className="card">
      <div className="card-head">
        <h2 id="pending-enrollments-title">Pending enrollments</h2>
        <button onClick={reload} disabled={result.fetching}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Certificates issued over SCEP whose device has not checked in yet (Apple’s Authenticate completes the
        enrollment).
      </p>
      {result.error && (
        <p role="alert">The pending enrollments could not be loaded: {result.error.message}</p>
      )}
      {result.data && rows.length === 0 && <p data-testid="pending-empty">No enrollment is pending.</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="pending-enrollments" aria-labelledby="pending-enrollments-title">
            <thead>
              <tr>
                <th scope="col">Issued</th>
                <th scope="col">Platform</th>
                <th scope="col">Method</th>
                <th scope="col">Ownership</th>
                <th scope="col">User or DEM account</th>
                <th scope="col">Certificate serial</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>{formatUtc(p.createdDateTime)}</td>
                  <td>{p.platform}</td>
                  <td>{p.method}</td>
                  <td>{OWNERSHIP[p.ownershipIntent] ?? p.ownershipIntent}</td>
                  <td>
                    {p.user
                      ? p.user.userPrincipalName
                      : p.enrollmentManager
                        ? `${p.enrollmentManager.userPrincipalName} (DEM)`
                        : `none (userless${p.serialNumber ? `, serial ${p.serialNumber}` : ''})`}
                  </td>
                  <td>
                    <code>{p.certificate.serialNumber}</code>
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
