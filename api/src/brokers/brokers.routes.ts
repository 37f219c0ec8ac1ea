import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireMachine, requireUser } from '../http/auth-context.ts';
import { HttpError } from '../http/http-error.ts';
import type { RouteRegistry } from '../http/route-registry.ts';
import {
  brokerTokenContract,
  createBrokerContract,
  deleteBrokerContract,
  listBrokersContract,
  verifyBrokerContract,
} from './brokers.contract.ts';
import type { BrokersRepository } from './brokers.repository.ts';
import { toBrokerView, type BrokersService } from './brokers.service.ts';

/** How long a broker token is good for before the bot must fetch a new one. */
export const BROKER_TOKEN_TTL_SECONDS = 15 * 60;

export function createBrokersRouter(deps: {
  routes: RouteRegistry;
  brokers: BrokersService;
  repository: BrokersRepository;
  audit: AuditLog;
  now?: () => Date;
}): Router {
  const router = Router();
  const { routes, brokers, audit } = deps;
  const now = deps.now ?? (() => new Date());

  routes.add(router, createBrokerContract, async ({ body, req }) => {
    const connection = await brokers.create(requireUser(req).userId, body);
    await audit.record(req, {
      action: 'broker.create',
      targetKind: 'broker_connection',
      targetId: connection.id,
      details: { kind: body.kind, environment: connection.environment },
    });
    const hint =
      body.kind === 'alpaca' ? `${body.keyId.slice(0, 2)}…${body.keyId.slice(-4)}` : null;
    return { status: 201, body: toBrokerView(connection, hint) };
  });

  routes.add(router, listBrokersContract, async ({ req }) => ({
    status: 200,
    body: { items: (await brokers.list(requireUser(req).userId)).map((c) => toBrokerView(c)) },
  }));

  routes.add(router, verifyBrokerContract, async ({ params, req }) => {
    const connection = await brokers.verify(requireUser(req).userId, params.id);
    await audit.record(req, {
      action: 'broker.verify',
      targetKind: 'broker_connection',
      targetId: connection.id,
    });
    return { status: 200, body: toBrokerView(connection) };
  });

  routes.add(router, deleteBrokerContract, async ({ params, req }) => {
    await brokers.delete(requireUser(req).userId, params.id);
    await audit.record(req, {
      action: 'broker.delete',
      targetKind: 'broker_connection',
      targetId: params.id,
    });
    return { status: 204 };
  });

  routes.add(router, brokerTokenContract, async ({ req }) => {
    const machine = requireMachine(req);
    if (!machine.scopes.includes('broker-token'))
      throw new HttpError(403, 'forbidden', 'the token lacks the broker-token scope');
    const { bot, connection } = await deps.repository.findBotConnection(machine.botId);
    if (!bot) throw new HttpError(404, 'not_found', 'no such bot');
    const expiresAt = new Date(now().getTime() + BROKER_TOKEN_TTL_SECONDS * 1000).toISOString();
    if (bot.spec.broker.kind === 'sim') {
      return {
        status: 200,
        body: {
          kind: 'sim',
          environment: 'paper',
          token: randomBytes(24).toString('base64url'),
          expiresAt,
        },
      };
    }
    if (!connection || connection.kind !== 'alpaca') {
      throw new HttpError(404, 'not_found', 'the bot has no broker connection');
    }
    const credentials = await brokers.openCredentials(connection);
    await audit.record(req, {
      action: 'broker.token',
      targetKind: 'broker_connection',
      targetId: connection.id,
    });
    return {
      status: 200,
      body: { kind: 'alpaca', environment: connection.environment, credentials, expiresAt },
    };
  });

  return router;
}
