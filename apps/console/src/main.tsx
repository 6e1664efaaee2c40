import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readStoredCredentials, SessionProvider, startSession } from './session';
import './styles.css';

/** A session stored in this tab is checked again before use: the key may have been disabled meanwhile. */
async function restore() {
  const credentials = readStoredCredentials();
  if (!credentials) return null;
  try {
    return await startSession(credentials);
  } catch {
    return null;
  }
}

const initial = await restore();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider initial={initial}>
      <App />
    </SessionProvider>
  </StrictMode>,
);
