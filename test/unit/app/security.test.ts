// Electron hardening decisions that are pure: which URLs count as the app's own page.
import { describe, expect, it } from 'vitest';
import { APP_CSP, isAppUrl } from '../../../main/app/security.js';

describe('Electron security', () => {
  const index = 'file:///opt/Likeness%20Studio/resources/app.asar/dist/renderer/index.html';

  it('treats only our packaged index.html as the app', () => {
    expect(isAppUrl(`${index}#/settings`, index)).toBe(true);
    expect(isAppUrl('https://example.com/', index)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', index)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', index)).toBe(false);
    expect(isAppUrl('not a url', index)).toBe(false);
  });

  it('has a CSP without inline or eval scripts', () => {
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)/);
    expect(APP_CSP).toContain("object-src 'none'");
  });
});
