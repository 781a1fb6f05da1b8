// Declares window.likeness, installed by preload (Electron) or the loopback shim (browser); renderer.
import type { LikenessBridge } from '../main/contract/bridge.js';

declare global {
  interface Window {
    likeness?: LikenessBridge;
  }
}
