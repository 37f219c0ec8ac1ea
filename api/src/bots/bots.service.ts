import { API_VERSION, KIND, type TradingBotSpec } from '@hmmtrade/crds';
import type { Bot } from '@hmmtrade/db';
import { HttpError } from '../http/http-error.ts';
import type { BotsRepository } from './bots.repository.ts';

/** Wakes the operator after a committed bot write (in-process feed; NOTIFY covers Postgres). */
export interface BotChangeNotifier {
  publish(botId: string): void;
}

/** Creating, changing and deleting a user's bots. */
export function createBotsService(deps: {
  repository: BotsRepository;
  notifier: BotChangeNotifier;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { repository } = deps;

  const found = async (ownerId: string, id: string): Promise<Bot> => {
    const bot = await repository.find(ownerId, id);
    if (!bot) throw new HttpError(404, 'not_found', 'no such bot');
    return bot;
  };

  const checkConnection = async (ownerId: string, spec: TradingBotSpec) => {
    const connectionId = spec.broker.connectionId;
    if (connectionId && !(await repository.ownsConnection(ownerId, connectionId))) {
      throw new HttpError(
        400,
        'validation_failed',
        'spec.broker.connectionId: no such broker connection',
        {
          issues: [{ path: 'spec.broker.connectionId', message: 'no such broker connection' }],
        },
      );
    }
  };

  const writable = async (ownerId: string, id: string, write: () => Promise<Bot | undefined>) => {
    const bot = await write();
    if (bot) {
      deps.notifier.publish(bot.id);
      return bot;
    }
    const existing = await found(ownerId, id);
    if (existing.source === 'kubernetes') {
      throw new HttpError(
        409,
        'conflict',
        `managed by Kubernetes (${existing.k8s_namespace}/${existing.k8s_name}): change it with kubectl`,
      );
    }
    throw new HttpError(409, 'conflict', 'the bot is being deleted');
  };

  return {
    list: (ownerId: string) => repository.list(ownerId),
    get: found,

    async create(ownerId: string, name: string, spec: TradingBotSpec) {
      await checkConnection(ownerId, spec);
      const bot = await repository.insert(ownerId, name, spec);
      if (!bot) throw new HttpError(409, 'conflict', `a bot named ${name} already exists`);
      deps.notifier.publish(bot.id);
      return bot;
    },

    async replaceSpec(ownerId: string, id: string, spec: TradingBotSpec) {
      await checkConnection(ownerId, spec);
      return writable(ownerId, id, () => repository.replaceSpec(ownerId, id, spec));
    },

    async setSuspended(ownerId: string, id: string, suspend: boolean) {
      const bot = await found(ownerId, id);
      if (bot.spec.suspend === suspend) return bot;
      return writable(ownerId, id, () =>
        repository.replaceSpec(ownerId, id, { ...bot.spec, suspend }),
      );
    },

    delete: (ownerId: string, id: string) =>
      writable(ownerId, id, () => repository.markDeleted(ownerId, id, now())),
  };
}

export type BotsService = ReturnType<typeof createBotsService>;

/** The API view of a bot: the TradingBot object shape. */
export function toBotView(bot: Bot) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      id: bot.id,
      name: bot.name,
      generation: bot.generation,
      creationTimestamp: bot.created_at.toISOString(),
      ...(bot.deleted_at ? { deletionTimestamp: bot.deleted_at.toISOString() } : {}),
      source: bot.source,
      ...(bot.k8s_namespace ? { namespace: bot.k8s_namespace } : {}),
    },
    spec: bot.spec,
    status: bot.status,
  };
}
