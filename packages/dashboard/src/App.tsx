import { ViewerDocument } from '@mdm/schema';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Provider, useQuery } from 'urql';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ConnectionIndicator } from './components/ConnectionIndicator';
import { ViewHeading } from './components/ViewHeading';
import { connectGateway } from './lib/gateway-client';
import { ConnectionContext, useConnection, useRoute } from './lib/hooks';
import { ActivityView } from './views/ActivityView';
import { CertificatesView } from './views/CertificatesView';
import { ImportsView } from './views/ImportsView';
import { DeviceDetailView } from './views/DeviceDetailView';
import { DevicesView } from './views/DevicesView';
import { FailuresView } from './views/FailuresView';
import { MethodsView } from './views/MethodsView';
import { OverviewView } from './views/OverviewView';
import { SignIn } from './views/SignIn';

const TOKEN_KEY = 'mdm.token';

const NAV = [
  ['overview', 'Overview'],
  ['activity', 'Live activity'],
  ['failures', 'Failures'],
  ['devices', 'Devices'],
  ['certificates', 'Certificates'],
  ['methods', 'Enrollment methods'],
  ['imports', 'Imports'],
] as const;

const KNOWN = new Set<string>(NAV.map(([key]) => key));

/** An address the dashboard has no view for. */
function NotFound() {
  return (
    <section aria-labelledby="not-found-title">
      <ViewHeading id="not-found-title" title="Page not found">
        Page not found
      </ViewHeading>
      <p data-testid="not-found">
        There is no page at this address. <a href="#/overview">Go to the overview</a>.
      </p>
    </section>
  );
}

/** The dashboard: sign in with an API token (kept for the browser session), then the console. */
export function App() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY));
  const connection = useMemo(() => (token ? connectGateway(token) : null), [token]);
  useEffect(() => () => connection?.dispose(), [connection]);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };
  if (!connection) {
    return (
      <SignIn
        onSignIn={(value) => {
          sessionStorage.setItem(TOKEN_KEY, value);
          setToken(value);
        }}
      />
    );
  }
  return (
    <ConnectionContext.Provider value={connection}>
      <Provider value={connection.client}>
        <Console onSignOut={signOut} />
      </Provider>
    </ConnectionContext.Provider>
  );
}

function Console({ onSignOut }: { onSignOut: () => void }) {
  const [viewer] = useQuery({ query: ViewerDocument });
  const { forbidden } = useConnection();
  const refused = useSyncExternalStore(forbidden.subscribe, forbidden.get);
  const route = useRoute();
  const [section = 'overview', id] = route;
  const unauthenticated =
    refused || viewer.error?.graphQLErrors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED');
  if (unauthenticated) {
    return (
      <main className="signin">
        <p role="alert">The gateway refused this token.</p>
        <button onClick={onSignOut}>Sign in again</button>
      </main>
    );
  }
  const role = viewer.data?.viewer.role;
  return (
    <div className="shell">
      <header className="topbar">
        <strong className="brand">MDM Enrollment Gateway</strong>
        <nav aria-label="Sections">
          {NAV.map(([key, label]) => (
            <a key={key} href={`#/${key}`} aria-current={section === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div className="session">
          <ConnectionIndicator />
          {viewer.data && (
            <span className="viewer" title="Token name and role">
              {viewer.data.viewer.name} · {role}
            </span>
          )}
          <button onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      <ConnectionBanner />
      <main className="content">
        {section === 'overview' && <OverviewView />}
        {section === 'activity' && <ActivityView />}
        {section === 'failures' && <FailuresView />}
        {section === 'devices' && !id && <DevicesView key="list" role={role ?? 'READER'} />}
        {section === 'devices' && id && <DeviceDetailView key={id} id={id} role={role ?? 'READER'} />}
        {section === 'certificates' && <CertificatesView />}
        {section === 'methods' && <MethodsView />}
        {section === 'imports' && (role ? <ImportsView role={role} /> : <p>Loading…</p>)}
        {!KNOWN.has(section) && <NotFound />}
      </main>
    </div>
  );
}
