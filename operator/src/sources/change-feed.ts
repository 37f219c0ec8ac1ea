import { EventEmitter } from 'node:events';
import pg from 'pg';
import { BOT_CHANGES_CHANNEL } from '@hmmtrade/db';
import type { Logger } from '@hmmtrade/platform';

/**
 * Wakes the operator when a bot changes. Two adapters (DESIGN §10): Postgres LISTEN/NOTIFY,
 * and an in-process feed for the embedded database, where NOTIFY does not cross the socket
 * and writers share the operator's process. Either may miss events (reconnects); the periodic
 * resync is the backstop.
 */
export interface BotChangeFeed {
  subscribe(onChange: (botId: string) => void): Promise<() => Promise<void>>;
}

/** An in-process feed: writers call `publish(botId)` after their transaction commits. */
export interface InProcessBotChangeFeed extends BotChangeFeed {
  publish(botId: string): void;
}

export function createInProcessChangeFeed(): InProcessBotChangeFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (botId) => void emitter.emit('change', botId),
    subscribe: (onChange) => {
      emitter.on('change', onChange);
      return Promise.resolve(() => {
        emitter.off('change', onChange);
        return Promise.resolve();
      });
    },
  };
}

/** LISTENs on the bots channel on a dedicated connection, reconnecting with backoff. */
export function createPgNotifyChangeFeed(options: {
  connectionString: string;
  logger: Logger;
  /** Called after every (re)connection, since NOTIFYs sent while disconnected are lost. */
  onReconnect?: () => void;
}): BotChangeFeed {
  return {
    subscribe: (onChange) => {
      let client: pg.Client | undefined;
      let stopped = false;
      let attempt = 0;
      let retryTimer: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        const next = new pg.Client({ connectionString: options.connectionString });
        next.on('notification', (message) => {
          if (message.channel === BOT_CHANGES_CHANNEL && message.payload) onChange(message.payload);
        });
        next.on('error', (error) => {
          options.logger.warn({ err: error }, 'bot change feed lost its connection');
          void next.end().catch(() => undefined);
          scheduleReconnect();
        });
        await next.connect();
        await next.query(`LISTEN ${BOT_CHANGES_CHANNEL}`);
        client = next;
        if (attempt > 0) options.onReconnect?.();
        attempt = 0;
      };
      const scheduleReconnect = () => {
        if (stopped || retryTimer) return;
        const delay = Math.min(30_000, 500 * 2 ** attempt++);
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          connect().catch(scheduleReconnect);
        }, delay);
      };
      return connect().then(() => async () => {
        stopped = true;
        clearTimeout(retryTimer);
        await client?.end().catch(() => undefined);
      });
    },
  };
}
