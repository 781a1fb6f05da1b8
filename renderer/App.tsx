// App shell: navigation between the stage screens, keyboard shortcuts, theme, toasts; renderer.
import { useEffect, useRef, useState } from 'react';
import type { Settings } from '../main/contract/models.js';
import { useCall, useEvent } from './client.js';
import { ErrorBanner, ToastProvider } from './design/index.js';
import { ROUTES, type RouteId, routeFromHash } from './routes.js';
import { CaptureScreen } from './screens/CaptureScreen.js';
import { ComposeScreen } from './screens/ComposeScreen.js';
import { LicensesScreen } from './screens/LicensesScreen.js';
import { SettingsScreen } from './screens/SettingsScreen.js';
import { TrainScreen } from './screens/TrainScreen.js';
import { TwinScreen } from './screens/TwinScreen.js';
import { useApplyTheme } from './theme.js';

const SCREENS: Record<RouteId, () => React.JSX.Element> = {
  capture: CaptureScreen,
  train: TrainScreen,
  twin: TwinScreen,
  licenses: LicensesScreen,
  compose: ComposeScreen,
  settings: SettingsScreen,
};

export function App() {
  const [route, setRoute] = useState<RouteId>(() => routeFromHash(window.location.hash));
  const settingsCall = useCall('settings.get', {});
  const [settings, setSettings] = useState<Settings | undefined>();
  const mainRef = useRef<HTMLElement>(null);
  useEvent('settings.changed', setSettings);
  useApplyTheme(settings ?? settingsCall.data);

  useEffect(() => {
    const onHash = () => setRoute(routeFromHash(window.location.hash));
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const index = Number(event.key) - 1;
      const target = ROUTES[index];
      if (target) {
        event.preventDefault();
        window.location.hash = `#/${target.id}`;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  useEffect(() => {
    mainRef.current?.querySelector('h1')?.focus();
  }, [route]);

  const Screen = SCREENS[route];
  return (
    <ToastProvider>
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.querySelector('h1')?.focus())}>
        Skip to content
      </a>
      <div className="shell">
        <nav className="sidebar" aria-label="Studio">
          <div className="brand">Likeness Studio</div>
          <ul className="nav">
            {ROUTES.map((r, i) => (
              <li key={r.id}>
                <a href={`#/${r.id}`} aria-current={route === r.id ? 'page' : undefined} aria-keyshortcuts={`Alt+${i + 1}`}>
                  <span>{r.label}</span>
                  <kbd aria-hidden="true">Alt+{i + 1}</kbd>
                </a>
              </li>
            ))}
          </ul>
          <div className="sidebar-foot">Everything stays on this computer.</div>
        </nav>
        <main className="content" id="main" ref={mainRef}>
          {settingsCall.error ? <ErrorBanner error={settingsCall.error} onRetry={settingsCall.reload} /> : null}
          <Screen key={route} />
        </main>
      </div>
    </ToastProvider>
  );
}
