import { formatIssues, type Backend } from '@hmmtrade/crds';
import type { Logger } from '@hmmtrade/platform';
import { computeStatus, operatorOwnedStatus } from '../reconcile/status.ts';
import { decide, type Entitlement } from '../reconcile/decide.ts';
import { desiredInstance, type InstanceDefaults } from '../reconcile/desired-instance.ts';
import {
  StalledError,
  WaitingError,
  toReconcileError,
  type ReconcileError,
} from '../reconcile/errors.ts';
import type { MarketCalendar } from '../reconcile/market-calendar.ts';
import { PENDING_POLL_MS, plan as planActions, type Action, type Plan } from '../reconcile/plan.ts';
import { sameJson } from '../reconcile/stable-hash.ts';
import { LostLeadershipError } from '../leader/lost-leadership-error.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance } from '../runtimes/runtime.ts';
import type { BotObject, BotSource } from '../sources/bot-source.ts';
import type { Entitlements } from '../sources/entitlements.ts';
import type { WorkResult } from '../queue/types.ts';

/** What one reconcile needs; every side effect sits behind these ports. */
export interface ReconcilerDeps {
  source: BotSource;
  runtime: BotRuntime;
  backend: Backend;
  entitlements: Entitlements;
  calendar: MarketCalendar;
  instanceDefaults: InstanceDefaults;
  now: () => Date;
  /** The fencing epoch while leading; null means do nothing. */
  epoch: () => number | null;
  logger: Logger;
  /**
   * Mints the bot's machine JWT (`HMMTRADE_MACHINE_TOKEN`), added to the env only when an
   * instance is created or replaced, and outside the config hash so renewal alone restarts
   * nothing.
   */
  mintMachineToken?: (botId: string) => Promise<string>;
}

const ENTITLED: Entitlement = { entitled: true };

/**
 * Reconciles one bot (level-triggered: the key is only its id): read desired from the source
 * cache, observe the runtime, act on the plan, write status once and only if it changed.
 * Returns the requeue; throws a TransientError for the queue's backoff.
 */
export function createBotReconciler(deps: ReconcilerDeps): (botId: string) => Promise<WorkResult> {
  return async (botId) => {
    const epoch = deps.epoch();
    const bot = deps.source.get(botId);
    if (epoch === null || !bot) return;
    const now = deps.now();

    if (!bot.deletedAt && !bot.spec.ok) {
      const error = new StalledError(formatIssues(bot.spec.issues), {
        field: bot.spec.issues[0]?.path,
      });
      await writeIfChanged(bot, stalledStatus(bot, error, now), epoch);
      return;
    }
    const spec = bot.deletedAt || !bot.spec.ok ? null : bot.spec.spec;
    const entitlement = spec ? await deps.entitlements.check(bot) : null;
    const decision = decide({
      spec,
      deleted: bot.deletedAt !== null,
      entitlement: entitlement ?? ENTITLED,
      now,
      calendar: deps.calendar,
    });
    const desired = bot.spec.ok ? desiredInstance(bot, bot.spec.spec, deps.instanceDefaults) : null;

    let observed: ObservedInstance | null | undefined;
    let plan: Plan | null = null;
    let error: ReconcileError | null = null;
    try {
      observed = await deps.runtime.observe(botId);
      plan = planActions(decision.target, observed, desired, now);
      // What the last action reported; undefined when it reports nothing (stop, destroy).
      let reported: ObservedInstance | undefined;
      for (const action of plan.actions) {
        if (action.type === 'finalize') {
          await deps.source.finalize(bot, epoch);
          deps.logger.info({ bot_id: botId }, 'bot deleted');
          return;
        }
        reported = await execute(action, botId);
      }
      if (plan.actions.length > 0) {
        // Judge the result, not the intent: look again soon only if work is left.
        observed = reported ?? (await deps.runtime.observe(botId));
        const next = planActions(decision.target, observed, desired, now);
        plan = next.actions.length > 0 ? { ...next, requeueAfterMs: PENDING_POLL_MS } : next;
      }
    } catch (caught) {
      if (caught instanceof LostLeadershipError) throw caught;
      error = toReconcileError(caught);
    }

    const status = computeStatus({
      previous: bot.status,
      generation: bot.generation,
      backend: deps.backend,
      decision,
      entitlement,
      observed,
      desiredHash: desired?.configHash ?? null,
      plan,
      error,
      now,
    });
    await writeIfChanged(bot, status, epoch);

    if (error instanceof WaitingError) return { requeueAfterMs: error.requeueAfterMs };
    if (error instanceof StalledError) return;
    if (error) throw error;
    return plan?.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  };

  /** Runs one action; create, start and update report the instance they leave behind. */
  async function execute(
    action: Exclude<Action, { type: 'finalize' }>,
    botId: string,
  ): Promise<ObservedInstance | undefined> {
    deps.logger.debug({ bot_id: botId, action: action.type }, 'runtime action');
    switch (action.type) {
      case 'create':
        return deps.runtime.create(await withMachineToken(action.desired));
      case 'start':
        return deps.runtime.start(botId);
      case 'update':
        return deps.runtime.update(await withMachineToken(action.desired));
      case 'stop':
        await deps.runtime.stop(botId, action.options);
        return undefined;
      case 'destroy':
        await deps.runtime.destroy(botId);
        return undefined;
    }
  }

  async function withMachineToken(desired: DesiredInstance): Promise<DesiredInstance> {
    if (!deps.mintMachineToken) return desired;
    const token = await deps.mintMachineToken(desired.botId);
    return { ...desired, env: { ...desired.env, HMMTRADE_MACHINE_TOKEN: token } };
  }

  function stalledStatus(bot: BotObject, error: StalledError, now: Date) {
    return computeStatus({
      previous: bot.status,
      generation: bot.generation,
      backend: deps.backend,
      decision: null,
      entitlement: null,
      observed: undefined,
      desiredHash: null,
      plan: null,
      error,
      now,
    });
  }

  async function writeIfChanged(
    bot: BotObject,
    status: ReturnType<typeof computeStatus>,
    epoch: number,
  ) {
    if (sameJson(operatorOwnedStatus(bot.status), status)) return;
    await deps.source.writeStatus(bot, status, epoch);
  }
}
