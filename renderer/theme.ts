// Applies the theme and motion settings to the document, following the system when asked to; renderer.
import { useEffect } from 'react';
import type { Settings } from '../main/contract/models.js';

export function useApplyTheme(settings: Settings | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const theme = settings?.theme ?? 'system';
      root.dataset.theme = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
      root.dataset.motion = settings?.reducedMotion ? 'reduced' : 'full';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [settings?.theme, settings?.reducedMotion]);
}
