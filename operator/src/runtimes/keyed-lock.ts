/** Serializes async work per key (a bot id) within one process. */
export interface KeyedLock {
  /** Runs `fn` after every earlier call with the same key has settled. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * So that one bot's operations never interleave inside this process: concurrent creates of a
 * bot make one create. Across processes each backend keeps that promise its own way (Fly: the
 * machine name and leases; Kubernetes: object names the apiserver will not give twice).
 */
export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, fn) {
      const result = (tails.get(key) ?? Promise.resolve()).then(fn);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
