// Renderer logic that needs no browser: routes, formats, and taking the token from the URL.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta } from '../../../renderer/design/format.js';
import { takeToken } from '../../../renderer/loopback-bridge.js';
import { ROUTES, routeFromHash } from '../../../renderer/routes.js';

describe('renderer helpers', () => {
  it('maps hashes to screens and unknown ones to Capture', () => {
    expect(ROUTES.map((r) => r.label)).toEqual(['Capture', 'Train', 'Twin', 'Licenses', 'Compose', 'Settings']);
    expect(routeFromHash('#/settings')).toBe('settings');
    expect(routeFromHash('#/nowhere')).toBe('capture');
    expect(routeFromHash('#token=abc')).toBe('capture');
  });

  it('formats time left and sizes for people', () => {
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(42)).toBe('about 42 s left');
    expect(formatEta(600)).toBe('about 10 min left');
    expect(formatEta(7500)).toBe('about 2 h 5 min left');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('takes the token from the fragment once, keeps it for reloads and removes it from the address bar', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
    const replaced: string[] = [];
    const history = { replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) } as History;
    const location = { hash: '#token=abc_DEF-123', pathname: '/', search: '' } as Location;
    expect(takeToken(location, storage, history)).toBe('abc_DEF-123');
    expect(replaced).toEqual(['/#/capture']);
    expect(takeToken({ ...location, hash: '#/settings' } as Location, storage, history)).toBe('abc_DEF-123');
    expect(replaced).toHaveLength(1);
  });
});
