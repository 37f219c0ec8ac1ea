import type { Logger } from '@hmmtrade/platform';
import { DEFAULT_STOP } from '../reconcile/plan.ts';
import type { BotRuntime } from '../runtimes/runtime.ts';
import type { BotSource } from '../sources/bot-source.ts';

/**
 * Stops and destroys every managed instance whose bot no longer exists. Call it right after a
 * full relist, so the cache is complete; an instance is only ever created for a cached bot.
 * Returns the bot ids collected.
 */
export async function collectOrphans(deps: {
  source: BotSource;
  runtime: BotRuntime;
  logger: Logger;
}): Promise<string[]> {
  const orphans = (await deps.runtime.list()).filter(
    (instance) => !deps.source.get(instance.botId),
  );
  for (const orphan of orphans) {
    deps.logger.info({ bot_id: orphan.botId, instance: orphan.instanceId }, 'collecting orphan');
    if (orphan.state === 'running' || orphan.state === 'pending') {
      await deps.runtime.stop(orphan.botId, DEFAULT_STOP);
    }
    await deps.runtime.destroy(orphan.botId);
  }
  return orphans.map((orphan) => orphan.botId);
}
