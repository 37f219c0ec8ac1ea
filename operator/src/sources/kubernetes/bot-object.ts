import { FINALIZER, validateTradingBotSpec } from '@hmmtrade/crds';
import { sameJson } from '../../reconcile/stable-hash.ts';
import type { BotObject, SpecValidation } from '../bot-source.ts';
import type { KubeObjectMeta, TradingBotObject } from './kube-object.ts';

/** Whether the operator's finalizer is on the object. */
export function hasFinalizer(object: TradingBotObject): boolean {
  return object.metadata.finalizers?.includes(FINALIZER) ?? false;
}

/**
 * Whether `next` differs from `previous` only in status (spec changes move the generation;
 * metadata such as finalizers, labels and deletionTimestamp is compared). Such updates, the
 * operator's own status writes and the bot's heartbeats, do not wake the operator, as status
 * writes in Postgres do not NOTIFY.
 */
export function onlyStatusChanged(
  previous: TradingBotObject | undefined,
  next: TradingBotObject,
): boolean {
  if (!previous) return false;
  const meta = ({ resourceVersion: _version, managedFields: _fields, ...rest }: KubeObjectMeta) =>
    rest;
  return sameJson(meta(previous.metadata), meta(next.metadata));
}

/** Turns TradingBot objects into BotObjects; converting one forgets nothing but `forget`s. */
export interface BotObjectFactory {
  toBot(object: TradingBotObject): BotObject;
  forget(uid: string): void;
}

/**
 * BotObjects of TradingBots: the id is `metadata.uid` (a recreated object is a new bot), the
 * name `namespace/name`. The spec is validated once per generation: status and metadata
 * updates reuse the cached result.
 */
export function createBotObjectFactory(): BotObjectFactory {
  const validated = new Map<string, { generation: number; spec: SpecValidation }>();
  return {
    toBot(object) {
      const { uid, name, namespace = 'default', generation = 1 } = object.metadata;
      let entry = validated.get(uid);
      if (entry?.generation !== generation) {
        const result = validateTradingBotSpec(object.spec);
        entry = {
          generation,
          spec: result.ok ? { ok: true, spec: result.spec } : { ok: false, issues: result.issues },
        };
        validated.set(uid, entry);
      }
      const { deletionTimestamp } = object.metadata;
      return {
        id: uid,
        name: `${namespace}/${name}`,
        generation,
        // The etcd revision: a decimal integer on every etcd-backed apiserver.
        resourceVersion: Number(object.metadata.resourceVersion),
        spec: entry.spec,
        status: object.status ?? {},
        deletedAt: deletionTimestamp ? new Date(deletionTimestamp) : null,
      };
    },
    forget: (uid) => void validated.delete(uid),
  };
}
