const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier call with the same key has settled, so one bot's operations never
 * interleave. Module-wide, so two runtimes on one state directory in a process share it.
 */
export function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(fn);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}
