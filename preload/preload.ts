// Exposes the contract as window.likeness through contextBridge (never ipcRenderer itself); Electron preload, sandboxed.
import { contextBridge, ipcRenderer } from 'electron';
import type { LikenessBridge } from '../main/contract/bridge.js';
import type { Envelope } from '../main/contract/errors.js';
import { IPC_EVENT, IPC_INVOKE } from '../main/bridge/ipc-channels.js';

const bridge: LikenessBridge = {
  transport: 'electron',
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE, name, input) as Promise<Envelope<unknown>>,
  subscribe(listener) {
    const handler = (_event: Electron.IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('likeness', bridge);
