/**
 * The four `Reflect` metadata functions tsyringe (a dependency of @peculiar/x509) checks for at
 * load time. The `reflect-metadata` package is not installed; this is the subset it needs,
 * kept per target and property in WeakMaps. Import it before @peculiar/x509.
 */
type Key = string | symbol | undefined;
const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();

function own(target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp && create) store.set(target, (byProp = new Map()));
  let meta = byProp?.get(prop);
  if (!meta && create && byProp) byProp.set(prop, (meta = new Map()));
  return meta;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key: unknown, value: unknown, target: object, prop?: Key) => {
    own(target, prop, true)!.set(key, value);
  };
  R.getOwnMetadata = (key: unknown, target: object, prop?: Key) => own(target, prop, false)?.get(key);
  R.getMetadata = (key: unknown, target: object, prop?: Key): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const m = own(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  R.metadata = (key: unknown, value: unknown) => (target: object, prop?: Key) => {
    own(target, prop, true)!.set(key, value);
  };
}
export {};
