import type { TradingBotStatus } from '@hmmtrade/crds';
import type { Logger } from '@hmmtrade/platform';
import type { LeaderElector } from '../leader/leader-elector.ts';
import { LostLeadershipError } from '../leader/lost-leadership-error.ts';
import type { BotObject, BotSource } from './bot-source.ts';
import {
  createBotObjectFactory,
  hasFinalizer,
  onlyStatusChanged,
} from './kubernetes/bot-object.ts';
import type { EventRecorder, RecordedEvent } from './kubernetes/event-recorder.ts';
import type { TradingBotObject } from './kubernetes/kube-object.ts';
import type { BotMirror } from './kubernetes/postgres-mirror.ts';
import { createReflector, type ReflectorTuning } from './kubernetes/reflector.ts';
import type { TradingBotClient } from './kubernetes/trading-bot-client.ts';
import {
  addFinalizer,
  removeFinalizer,
  replaceStatus,
  type WriteContext,
} from './kubernetes/trading-bot-writes.ts';

/** What the CRD source is built from. */
export interface CrdSourceDeps {
  /** createTradingBotClient(kubeConfig, { namespace }): one namespace or all. */
  client: TradingBotClient;
  /** Whose epoch fences status writes and finalizer removal (the Lease elector). */
  leader: Pick<LeaderElector, 'epoch'>;
  logger: Logger;
  /** Records an Event on every phase transition; none when absent. */
  events?: EventRecorder;
  /** Mirrors every TradingBot into Postgres (mirrorToPostgres); none when absent. */
  mirror?: BotMirror;
  /** Paging, relist period and backoff of the watch loop. */
  tuning?: ReflectorTuning;
}

/** The CRD source, plus the object behind a bot id (namespace, name, labels, secretRef …). */
export interface CrdSource extends BotSource {
  object(botId: string): TradingBotObject | undefined;
}

/** Ready reasons that are worth a Warning event rather than a Normal one. */
const WARNING_REASONS = new Set(['CrashLoopBackOff', 'InvalidSpec', 'WaitingForBackend']);

/**
 * Bots from TradingBot custom resources (DESIGN §3, §4). A reflector keeps the cache (paged
 * list, resumed watch, backoff, relist on 410 Gone). A bot is handed out only while it carries
 * the finalizer: the source adds it to every object that lacks it and is not being deleted,
 * so a deletion always waits for the operator. `deletionTimestamp` is `deletedAt`; `finalize`
 * removes the finalizer. Writes are fenced by the leader's epoch and conditional on the
 * resourceVersion. Status-only updates (its own writes, bots' heartbeats) do not wake it.
 */
export function createCrdSource(deps: CrdSourceDeps): CrdSource {
  const { client } = deps;
  const logger = deps.logger.child({ component: 'crd-source' });
  const bots = new Map<string, BotObject>();
  const factory = createBotObjectFactory();
  const adding = new Map<string, Promise<void>>();
  const mirrorFailed = new Set<string>();
  let notify: (botId: string) => void = () => undefined;

  const mirrorWrites = new Set<Promise<unknown>>();

  const mirror = (op: 'upsert' | 'remove', object: TradingBotObject) => {
    if (!deps.mirror) return;
    const uid = object.metadata.uid;
    const write = deps.mirror[op](object).then(
      () => mirrorFailed.delete(uid),
      (error: unknown) => {
        mirrorFailed.add(uid);
        logger.warn({ err: error, bot_id: uid }, 'postgres mirror write failed');
      },
    );
    mirrorWrites.add(write);
    void write.finally(() => mirrorWrites.delete(write));
  };

  const admit = (object: TradingBotObject, wake = true) => {
    const uid = object.metadata.uid;
    if (hasFinalizer(object)) {
      const handedOut = bots.has(uid);
      bots.set(uid, factory.toBot(object));
      if (wake || !handedOut) notify(uid);
      return;
    }
    const wasHandedOut = bots.delete(uid);
    if (!object.metadata.deletionTimestamp) ensureFinalizer(object);
    if (wasHandedOut) notify(uid);
  };

  const ensureFinalizer = (object: TradingBotObject) => {
    const uid = object.metadata.uid;
    if (adding.has(uid)) return;
    const added = addFinalizer(client, object)
      .then((patched) => {
        if (!patched) return;
        // Our own write: no watch event will report it (same resourceVersion), so admit here.
        reflector.update(patched);
        const current = reflector.get(uid);
        if (!current) return;
        mirror('upsert', current);
        admit(current);
      })
      .catch((error: unknown) => logger.warn({ err: error, bot_id: uid }, 'finalizer not added'))
      .finally(() => {
        adding.delete(uid);
        // A newer version that arrived meanwhile (our patch then got 409) still needs it.
        const current = reflector.get(uid);
        if (current && current.metadata.resourceVersion !== object.metadata.resourceVersion) {
          if (!hasFinalizer(current) && !current.metadata.deletionTimestamp)
            ensureFinalizer(current);
        }
      });
    adding.set(uid, added);
  };

  const reflector = createReflector<TradingBotObject>({
    listWatch: client,
    logger,
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
    handlers: {
      onUpsert(object, previous) {
        mirror('upsert', object);
        admit(object, !onlyStatusChanged(previous, object));
      },
      onDelete(object) {
        const uid = object.metadata.uid;
        mirror('remove', object);
        factory.forget(uid);
        if (bots.delete(uid)) notify(uid);
      },
      onListed(objects) {
        if (!deps.mirror) return;
        const live = new Set(objects.map((object) => object.metadata.uid));
        const prune = deps.mirror
          .prune(live, client.namespace)
          .catch((error: unknown) => logger.warn({ err: error }, 'postgres mirror prune failed'));
        mirrorWrites.add(prune);
        void prune.finally(() => mirrorWrites.delete(prune));
      },
    },
  });

  const writeContext = (epoch: number): WriteContext => ({
    client,
    fence() {
      const current = deps.leader.epoch();
      if (current !== epoch) {
        throw new LostLeadershipError(`epoch ${epoch} is stale (now ${current ?? 'none'})`);
      }
    },
  });

  const settleAdds = () => Promise.allSettled([...adding.values()]);
  const settleWrites = async () => {
    await settleAdds();
    await Promise.allSettled([...mirrorWrites]);
  };

  return {
    async start(onChange) {
      notify = onChange;
      await reflector.start();
      await settleAdds();
    },
    async stop() {
      notify = () => undefined;
      await reflector.stop();
      // Let started writes land, so a caller may close the database right after.
      await settleWrites();
    },
    get: (botId) => bots.get(botId),
    ids: () => [...bots.keys()],
    object: (botId) => (bots.has(botId) ? reflector.get(botId) : undefined),
    async resync() {
      await reflector.relist();
      for (const object of reflector.list()) {
        if (!hasFinalizer(object) && !object.metadata.deletionTimestamp) ensureFinalizer(object);
        if (mirrorFailed.has(object.metadata.uid)) mirror('upsert', object);
      }
      await settleAdds();
      for (const id of [...bots.keys()]) notify(id);
    },
    async writeStatus(bot, status: TradingBotStatus, epoch) {
      const context = writeContext(epoch);
      context.fence();
      const base = reflector.get(bot.id);
      const result = base ? await replaceStatus(context, base, status) : undefined;
      if (!result) {
        bots.delete(bot.id); // gone: the next reconcile sees no bot
        return;
      }
      const stored = reflector.update(result.written);
      mirror('upsert', stored);
      if (hasFinalizer(stored) && bots.has(bot.id)) bots.set(bot.id, factory.toBot(stored));
      if (status.phase && status.phase !== result.replaced.phase) {
        void deps.events?.record(stored, phaseEvent(status));
      }
    },
    async finalize(bot, epoch) {
      const context = writeContext(epoch);
      context.fence();
      const base = reflector.get(bot.id);
      if (base) await removeFinalizer(context, base);
      bots.delete(bot.id);
    },
  };
}

function phaseEvent(status: TradingBotStatus): RecordedEvent {
  const ready = status.conditions?.find((condition) => condition.type === 'Ready');
  const reason = ready?.reason ?? status.phase ?? 'PhaseChanged';
  const warning = status.phase === 'Failed' || WARNING_REASONS.has(reason);
  return {
    type: warning ? 'Warning' : 'Normal',
    reason,
    note: ready?.message || `phase ${status.phase ?? 'unknown'}`,
    action: 'Reconcile',
  };
}
