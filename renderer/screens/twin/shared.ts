// Small helpers the Twin screen's parts share: errors from calls, short addresses and dates for people; renderer.
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** 0x1234…abcd: enough to recognise an address; the full one goes in a title or a code block. */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatWhen(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateFormat.format(time);
}
