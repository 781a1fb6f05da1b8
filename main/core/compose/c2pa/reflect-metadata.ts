// C2PA: the Reflect metadata calls @peculiar/x509's dependency container (tsyringe) makes when it loads (main process and render workers).
//
// tsyringe refuses to load without a Reflect metadata polyfill, and none is among the studio's dependencies. x509's
// injectable classes take no constructor parameters, so a per-object map answering the three calls tsyringe makes is
// all it needs. Installed only where no polyfill is present, and imported before @peculiar/x509.

interface ReflectMetadata {
  defineMetadata(key: unknown, value: unknown, target: object): void;
  getOwnMetadata(key: unknown, target: object): unknown;
  getMetadata(key: unknown, target: object): unknown;
}

const reflect = Reflect as typeof Reflect & Partial<ReflectMetadata>;

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const own = (key: unknown, target: object) => store.get(target)?.get(key);
  const shim: ReflectMetadata = {
    defineMetadata(key, value, target) {
      const entries = store.get(target) ?? new Map<unknown, unknown>();
      entries.set(key, value);
      store.set(target, entries);
    },
    getOwnMetadata: own,
    getMetadata(key, target) {
      for (let at: object | null = target; at !== null; at = Object.getPrototypeOf(at) as object | null) {
        const value = own(key, at);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
  Object.assign(reflect, shim);
}
