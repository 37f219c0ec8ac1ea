/** Serializes async work per key within one runtime. */
export interface KeyedLock {
  /** Runs `fn` after every earlier call with the same key has settled. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * One bot's operations never interleave inside this process. Across processes the deterministic
 * object names make the apiserver refuse a second pod or Secret (AlreadyExists).
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
