// Renderer entry: picks the transport (preload's window.likeness, else the loopback shim) and mounts the app; renderer.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../main/contract/bridge.js';
import { App } from './App.js';
import { ClientProvider } from './client.js';
import { createLoopbackBridge, takeToken } from './loopback-bridge.js';
import './design/styles.css';

const bridge = window.likeness ?? createLoopbackBridge(window.location.origin, takeToken(window.location, window.sessionStorage, window.history));
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ClientProvider client={createClient(bridge)}>
        <App />
      </ClientProvider>
    </StrictMode>,
  );
}
