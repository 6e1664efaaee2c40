import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initialState, SessionProvider } from './session';
import './styles.css';

const initial = await initialState();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider initial={initial}>
      <App />
    </SessionProvider>
  </StrictMode>,
);
