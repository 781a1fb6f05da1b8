// Electron entry: single instance, one hardened window loading the packaged renderer, IPC over the studio; Electron main process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, app, dialog, session } from 'electron';
import { createDispatcher } from '../bridge/dispatch.js';
import { createHandlers } from '../bridge/handlers.js';
import { resolveHome } from '../core/store/home.js';
import { type Studio, openStudio } from '../core/studio.js';
import { registerIpc } from './ipc.js';
import { APP_CSP, lockDownContents } from './security.js';

const appRoot = app.getAppPath();
const rendererIndex = join(appRoot, 'dist', 'renderer', 'index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).href;
const preloadPath = join(appRoot, 'dist', 'preload', 'preload.cjs');

let studio: Studio | undefined;
let window: BrowserWindow | undefined;

function homeFromArgs(argv: string[]): string | undefined {
  const index = argv.indexOf('--home');
  return index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--home='))?.slice(7);
}

async function createWindow(): Promise<void> {
  const opened = openStudio(resolveHome(homeFromArgs(process.argv), { ...process.env, LIKENESS_HOME: process.env.LIKENESS_HOME ?? app.getPath('userData') }));
  studio = opened;
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Likeness Studio',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window = win;
  lockDownContents(win.webContents, rendererIndexUrl);
  const stopIpc = registerIpc(win, createDispatcher(createHandlers(opened, 'electron')), opened.events, rendererIndexUrl);
  win.on('closed', () => {
    stopIpc();
    window = undefined;
  });
  win.once('ready-to-show', () => win.show());
  await win.loadFile(rendererIndex);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, rendererIndexUrl));
  app
    .whenReady()
    .then(() => {
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
      });
      session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'media'));
      return createWindow();
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('Likeness Studio could not start', error instanceof Error ? error.message : String(error));
      app.exit(3);
    });
  app.on('window-all-closed', () => {
    void (studio?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
