import { Router } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireUser } from '../http/auth-context.ts';
import type { RouteRegistry } from '../http/route-registry.ts';
import {
  createBotContract,
  deleteBotContract,
  getBotContract,
  listBotsContract,
  replaceBotSpecContract,
  startBotContract,
  stopBotContract,
} from './bots.contract.ts';
import { toBotView, type BotsService } from './bots.service.ts';

export function createBotsRouter(deps: {
  routes: RouteRegistry;
  bots: BotsService;
  audit: AuditLog;
}): Router {
  const router = Router();
  const { routes, bots, audit } = deps;
  const record = (req: Parameters<AuditLog['record']>[0], action: string, id: string) =>
    audit.record(req, { action, targetKind: 'bot', targetId: id });

  routes.add(router, createBotContract, async ({ body, req }) => {
    const bot = await bots.create(requireUser(req).userId, body.name, body.spec);
    await record(req, 'bot.create', bot.id);
    return { status: 201, body: toBotView(bot) };
  });
  routes.add(router, listBotsContract, async ({ req }) => ({
    status: 200,
    body: { items: (await bots.list(requireUser(req).userId)).map(toBotView) },
  }));
  routes.add(router, getBotContract, async ({ params, req }) => ({
    status: 200,
    body: toBotView(await bots.get(requireUser(req).userId, params.id)),
  }));
  routes.add(router, replaceBotSpecContract, async ({ params, body, req }) => {
    const bot = await bots.replaceSpec(requireUser(req).userId, params.id, body);
    await record(req, 'bot.update', bot.id);
    return { status: 200, body: toBotView(bot) };
  });
  routes.add(router, startBotContract, async ({ params, req }) => {
    const bot = await bots.setSuspended(requireUser(req).userId, params.id, false);
    await record(req, 'bot.start', bot.id);
    return { status: 200, body: toBotView(bot) };
  });
  routes.add(router, stopBotContract, async ({ params, req }) => {
    const bot = await bots.setSuspended(requireUser(req).userId, params.id, true);
    await record(req, 'bot.stop', bot.id);
    return { status: 200, body: toBotView(bot) };
  });
  routes.add(router, deleteBotContract, async ({ params, req }) => {
    const bot = await bots.delete(requireUser(req).userId, params.id);
    await record(req, 'bot.delete', bot.id);
    return { status: 202, body: toBotView(bot) };
  });
  return router;
}
