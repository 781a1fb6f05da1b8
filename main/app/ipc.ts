// Electron transport for the contract: one invoke channel with sender checks, one event channel; Electron main process.
import { type BrowserWindow, ipcMain } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../bridge/ipc-channels.js';
import type { Dispatcher } from '../bridge/dispatch.js';
import type { StudioEvents } from '../core/events.js';
import { isTrustedSender } from './security.js';

export function registerIpc(window: BrowserWindow, dispatcher: Dispatcher, events: StudioEvents, rendererIndexUrl: string): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, window.webContents, rendererIndexUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'This frame may not call the studio.' } };
    }
    return dispatcher.invoke(typeof name === 'string' ? name : '', input);
  });
  const unsubscribe = events.subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, name, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE);
  };
}
