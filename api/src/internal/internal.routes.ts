import { Router } from 'express';
import { formatIssues, validateTradingBotSpec } from '@hmmtrade/crds';
import type { Bot } from '@hmmtrade/db';
import { requireMachine } from '../http/auth-context.ts';
import { HttpError } from '../http/http-error.ts';
import type { RouteRegistry } from '../http/route-registry.ts';
import {
  botProfileContract,
  ingestEventsContract,
  ingestLogsContract,
  jwksContract,
} from './internal.contract.ts';
import type { InternalRepository } from './internal.repository.ts';
import type { MachineScope, MachineTokens } from './machine-tokens.ts';

/**
 * The bot protocol (DESIGN §6). A machine JWT names one bot: any other bot's id answers 404,
 * exactly as if it did not exist.
 */
export function createInternalRouter(deps: {
  routes: RouteRegistry;
  repository: InternalRepository;
  tokens: MachineTokens;
}): Router {
  const router = Router();
  const { routes, repository } = deps;

  const callerBot = async (
    req: Parameters<typeof requireMachine>[0],
    id: string,
    scope: MachineScope,
  ): Promise<Bot> => {
    const machine = requireMachine(req);
    if (machine.botId !== id) throw new HttpError(404, 'not_found', 'no such bot');
    if (!machine.scopes.includes(scope))
      throw new HttpError(403, 'forbidden', `the token lacks the ${scope} scope`);
    const bot = await repository.findLiveBot(id);
    if (!bot) throw new HttpError(404, 'not_found', 'no such bot');
    return bot;
  };

  const specs = new Map<
    string,
    { generation: number; validation: ReturnType<typeof validateTradingBotSpec> }
  >();
  const validatedSpec = (bot: Bot) => {
    const known = specs.get(bot.id);
    if (known?.generation === bot.generation) return known.validation;
    const validation = validateTradingBotSpec(bot.spec);
    if (specs.size >= 10_000) specs.delete(specs.keys().next().value!);
    specs.set(bot.id, { generation: bot.generation, validation });
    return validation;
  };

  routes.add(router, jwksContract, () =>
    Promise.resolve({ status: 200, body: deps.tokens.jwks() }),
  );

  routes.add(router, botProfileContract, async ({ params, req }) => {
    const bot = await callerBot(req, params.id, 'profile:read');
    // Rows written outside the API (raw SQL, the CRD mirror) may lack defaults: apply them,
    // once per spec generation (bots read their profile often; specs change rarely).
    const validation = validatedSpec(bot);
    if (!validation.ok) {
      throw new HttpError(
        409,
        'conflict',
        `the bot spec is invalid: ${formatIssues(validation.issues)}`,
      );
    }
    const { spec } = validation;
    const connectionId = spec.broker.connectionId;
    const connection = connectionId
      ? await repository.findConnection(bot.owner_id, connectionId)
      : undefined;
    return {
      status: 200,
      body: {
        botId: bot.id,
        name: bot.name,
        generation: bot.generation,
        profile_json: {
          mode: spec.mode,
          broker: { kind: spec.broker.kind },
          profile: spec.profile,
        },
        connection: connection
          ? {
              id: connection.id,
              kind: connection.kind,
              environment: connection.environment,
              label: connection.label,
            }
          : null,
      },
    };
  });

  routes.add(router, ingestLogsContract, async ({ params, body, req }) => {
    const bot = await callerBot(req, params.id, 'audit:write');
    const accepted = await repository.insertLogLines(
      body.lines.map((line) => ({
        bot_id: bot.id,
        boot_id: body.bootId,
        seq: line.seq,
        stream: line.stream,
        line: line.line,
        logged_at: line.ts,
      })),
    );
    return { status: 200, body: { accepted, duplicates: body.lines.length - accepted } };
  });

  routes.add(router, ingestEventsContract, async ({ params, body, req }) => {
    const bot = await callerBot(req, params.id, 'audit:write');
    const accepted = await repository.insertEvents(
      body.events.map((event) => ({
        bot_id: bot.id,
        boot_id: body.bootId,
        seq: event.seq,
        type: event.type,
        payload: JSON.stringify(event.payload),
        occurred_at: event.ts,
      })),
    );
    const reported = reportedStatus(body.events);
    if (Object.keys(reported).length > 0) await repository.mergeReportedStatus(bot.id, reported);
    return { status: 200, body: { accepted, duplicates: body.events.length - accepted } };
  });

  return router;
}

/** The status fields a bot reports itself: its last heartbeat and its current regime. */
function reportedStatus(
  events: readonly { ts: string; type: string; payload: Record<string, unknown> }[],
) {
  const reported: Record<string, unknown> = {};
  for (const event of events) {
    if (event.type === 'heartbeat') reported.lastHeartbeatAt = event.ts;
    if (event.type === 'regime_change' && typeof event.payload.label === 'string') {
      reported.regime = {
        label: event.payload.label,
        ...(typeof event.payload.confidence === 'number'
          ? { confidence: event.payload.confidence }
          : {}),
        since: event.ts,
      };
    }
  }
  return reported;
}
