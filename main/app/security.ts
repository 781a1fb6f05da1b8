// Electron hardening: CSP, navigation and window.open denied, sender-frame checks for IPC; Electron main process.
import type { WebContents, WebFrameMain } from 'electron';

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The renderer is only ever our own packaged index.html; everything else is a foreign page. */
export function isAppUrl(url: string, rendererIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const expected = new URL(rendererIndexUrl);
    return u.protocol === 'file:' && u.pathname === expected.pathname;
  } catch {
    return false;
  }
}

/** IPC is answered only for the top frame of our own window showing our own page. */
export function isTrustedSender(frame: WebFrameMain | null, contents: WebContents, rendererIndexUrl: string): boolean {
  if (!frame) return false;
  return frame === contents.mainFrame && isAppUrl(frame.url, rendererIndexUrl);
}

export function lockDownContents(contents: WebContents, rendererIndexUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererIndexUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
