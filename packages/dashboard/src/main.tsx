import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { createGatewayClient } from './client';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={createGatewayClient()}>
      <App />
    </Provider>
  </StrictMode>,
);
