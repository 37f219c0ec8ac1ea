import { FINALIZER, type TradingBotStatus } from '@hmmtrade/crds';
import { BOT_REPORTED_STATUS_FIELDS } from '../../reconcile/status.ts';
import { isConflict, isNotFound } from '../../kube-client/kube-errors.ts';
import { stripManagedFields, type TradingBotObject } from './kube-object.ts';
import type { TradingBotClient } from './trading-bot-client.ts';

/** Conflicts retried (each after re-reading the object) before a write gives up. */
const MAX_ATTEMPTS = 5;

/** What a write needs: the client, and a fence that throws once this process may not write. */
export interface WriteContext {
  client: TradingBotClient;
  fence(): void;
}

/**
 * Adds the finalizer, conditional on the cached resourceVersion. Returns the patched object;
 * undefined when the object moved on (409: its newer version arrives by watch) or is gone.
 */
export async function addFinalizer(
  client: TradingBotClient,
  object: TradingBotObject,
): Promise<TradingBotObject | undefined> {
  const { name, namespace = 'default', resourceVersion, finalizers = [] } = object.metadata;
  try {
    return await client.mergePatch(namespace, name, {
      metadata: { resourceVersion, finalizers: [...finalizers, FINALIZER] },
    });
  } catch (error) {
    if (isConflict(error) || isNotFound(error)) return undefined;
    throw new Error(`kubernetes: add finalizer to ${namespace}/${name}`, { cause: error });
  }
}

/**
 * Replaces the operator-owned status through `/status` (PUT with resourceVersion), keeping
 * the bot-reported fields. On 409 it re-reads and tries again. Returns the written object and
 * the status it replaced; undefined when the object is gone.
 */
export async function replaceStatus(
  context: WriteContext,
  base: TradingBotObject,
  status: TradingBotStatus,
): Promise<{ written: TradingBotObject; replaced: Partial<TradingBotStatus> } | undefined> {
  let current = base;
  for (let attempt = 1; ; attempt++) {
    context.fence();
    const kept: Partial<TradingBotStatus> = {};
    for (const field of BOT_REPORTED_STATUS_FIELDS) {
      if (current.status?.[field] !== undefined)
        Object.assign(kept, { [field]: current.status[field] });
    }
    try {
      const written = await context.client.replaceStatus({
        ...current,
        status: { ...kept, ...status },
      });
      return { written, replaced: current.status ?? {} };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw wrap('write status of', base, error);
      const fresh = await reread(context.client, base);
      if (!fresh) return undefined;
      current = fresh;
    }
  }
}

/**
 * Removes the finalizer from an object being deleted (merge patch conditional on the
 * resourceVersion; 409 → re-read, retry). A no-op when it is gone, not being deleted, or
 * without the finalizer.
 */
export async function removeFinalizer(
  context: WriteContext,
  base: TradingBotObject,
): Promise<void> {
  let current = base;
  for (let attempt = 1; ; attempt++) {
    context.fence();
    const { name, namespace = 'default', resourceVersion, finalizers = [] } = current.metadata;
    if (!current.metadata.deletionTimestamp || !finalizers.includes(FINALIZER)) return;
    const remaining = finalizers.filter((finalizer) => finalizer !== FINALIZER);
    try {
      await context.client.mergePatch(namespace, name, {
        metadata: { resourceVersion, finalizers: remaining.length > 0 ? remaining : null },
      });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isConflict(error) || attempt >= MAX_ATTEMPTS)
        throw wrap('remove finalizer of', base, error);
      const fresh = await reread(context.client, base);
      if (!fresh) return;
      current = fresh;
    }
  }
}

/** The object as it is now, or undefined when it is gone (or replaced by one with a new uid). */
async function reread(
  client: TradingBotClient,
  base: TradingBotObject,
): Promise<TradingBotObject | undefined> {
  const { name, namespace = 'default', uid } = base.metadata;
  const fresh = await client.get(namespace, name);
  return fresh?.metadata.uid === uid ? stripManagedFields(fresh) : undefined;
}

function wrap(what: string, object: TradingBotObject, cause: unknown): Error {
  const { name, namespace = 'default' } = object.metadata;
  return new Error(`kubernetes: ${what} tradingbot ${namespace}/${name}`, { cause });
}
