// The screens of the app in navigation order, with their hash routes and shortcuts; renderer.
export const ROUTES = [
  { id: 'capture', label: 'Capture' },
  { id: 'train', label: 'Train' },
  { id: 'twin', label: 'Twin' },
  { id: 'licenses', label: 'Licenses' },
  { id: 'compose', label: 'Compose' },
  { id: 'settings', label: 'Settings' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?&]/)[0];
  return ROUTES.find((r) => r.id === id)?.id ?? 'capture';
}
