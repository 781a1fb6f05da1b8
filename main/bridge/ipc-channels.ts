// Names of the two Electron IPC channels, shared by main and preload; any process.
export const IPC_INVOKE = 'likeness:invoke';
export const IPC_EVENT = 'likeness:event';
