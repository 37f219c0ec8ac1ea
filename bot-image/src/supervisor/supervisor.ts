import { constants } from 'node:os';
import { describeError } from '@hmmtrade/platform';
import { openAuditSink, type AuditSink } from './audit-sink.ts';
import { fetchBootMaterial } from './boot.ts';
import type { SupervisorConfig } from './config.ts';
import { createControlPlaneClient, type ControlPlaneClient } from './control-plane.client.ts';
import type { BrokerToken } from './control-plane.schemas.ts';
import {
  brokerEnv,
  instancePaths,
  renderInstanceYaml,
  writeEnvFile,
  writeInstanceFiles,
} from './instance-files.ts';
import {
  resolveDeps,
  stopBudget,
  type ResolvedDeps,
  type SupervisorDeps,
} from './supervisor-deps.ts';
import { brokerSecrets, createSecretRedactor } from './secret-redactor.ts';
import { describeExit, startTimers, waitForTrader } from './supervisor-steps.ts';
import { parseTraderEvent } from './trader-events.ts';
import { exitStatus, startTrader, type TraderProcess } from './trader-process.ts';

/** Exit status when the supervisor itself cannot run the bot (fatal boot answer, bad disk). */
export const EXIT_FAILED = 1;

/**
 * Runs one bot (DESIGN §1, §6) and resolves with the process exit status: boots against the
 * control plane (waiting out outages), writes `config/instances/<id>.yaml` and `.env`, runs the
 * trader with its output teed to stdout/stderr and the audit sink, refreshes the broker token,
 * beats heartbeats, and on SIGTERM/SIGINT forwards the signal, SIGKILLs after the grace,
 * flushes the spool and returns the trader's status (128 + signal when a signal ended it).
 */
export async function runSupervisor(
  config: SupervisorConfig,
  deps: SupervisorDeps = {},
): Promise<number> {
  const io = resolveDeps(deps);
  const stop = new AbortController();
  const run: RunState = { stopSignal: undefined, trader: undefined, sink: undefined };
  const say = (message: string) => {
    io.stdout(`supervisor: ${message}`);
    run.sink?.log('supervisor', message);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    run.stopSignal ??= signal;
    const forwarded = run.trader?.signal(signal) ?? false;
    say(`${signal} received${forwarded ? ', forwarded to the trader' : ''}`);
    stop.abort();
  };
  io.signals.on('SIGTERM', onSignal);
  io.signals.on('SIGINT', onSignal);
  try {
    return await supervise(config, io, run, say, stop.signal);
  } finally {
    io.signals.off('SIGTERM', onSignal);
    io.signals.off('SIGINT', onSignal);
  }
}

interface RunState {
  stopSignal: NodeJS.Signals | undefined;
  trader: TraderProcess | undefined;
  sink: AuditSink | undefined;
}

async function supervise(
  config: SupervisorConfig,
  io: ResolvedDeps,
  run: RunState,
  say: (message: string) => void,
  stop: AbortSignal,
): Promise<number> {
  const bootId = io.bootId();
  const client = createControlPlaneClient(config);
  const fatal = async (message: string) => {
    io.stderr(`supervisor: fatal: ${message}`);
    run.sink?.log('supervisor', `fatal: ${message}`);
    await run.sink?.close(); // undelivered items stay spooled for the next boot
    return EXIT_FAILED;
  };
  try {
    run.sink = await openAuditSink({
      spoolDir: config.spoolDir,
      bootId,
      client,
      now: io.now,
      random: io.random,
      backoff: io.backoff,
      say: (message) => io.stdout(`supervisor: ${message}`),
      flushIntervalMs: io.spoolFlushIntervalMs,
    });
  } catch (error) {
    return fatal(`cannot open the spool ${config.spoolDir}: ${describeError(error)}`);
  }
  try {
    return await runBot({ config, io, run, say, stop, client, sink: run.sink, bootId, fatal });
  } catch (error) {
    run.trader?.signal('SIGKILL'); // never leave a trader behind without its supervisor
    await run.trader?.exited;
    return fatal(`unexpected error: ${describeError(error)}`);
  }
}

interface BotRun {
  config: SupervisorConfig;
  io: ResolvedDeps;
  run: RunState;
  say: (message: string) => void;
  stop: AbortSignal;
  client: ControlPlaneClient;
  sink: AuditSink;
  bootId: string;
  fatal: (message: string) => Promise<number>;
}

async function runBot(ctx: BotRun): Promise<number> {
  const { config, io, run, say, stop, client, sink, bootId } = ctx;
  const budget = stopBudget(config.stopTimeoutSeconds);
  const finish = async (status: number) => {
    if (!(await sink.flush(budget.flushMs))) {
      io.stdout(`supervisor: audit items not yet delivered stay in ${config.spoolDir}`);
    }
    await sink.close();
    return status;
  };
  const stoppedStatus = () => 128 + (constants.signals[run.stopSignal ?? 'SIGTERM'] ?? 0);

  say(`starting bot ${config.botId} (boot ${bootId}, control plane ${config.apiUrl})`);
  const boot = await fetchBootMaterial({ client, botId: config.botId, ...io, say, stop });
  if (boot.kind === 'fatal') return ctx.fatal(boot.message);
  if (boot.kind === 'stopped') return finish(stoppedStatus());

  const { profile, token } = boot.material;
  const paths = instancePaths(config.workDir, config.botId);
  let env: Record<string, string>;
  try {
    env = brokerEnv(config.botId, profile, token);
    await writeInstanceFiles(paths, renderInstanceYaml(profile, token), env);
  } catch (error) {
    return ctx.fatal(`cannot write the instance files: ${describeError(error)}`);
  }
  say(
    `profile generation ${profile.generation} (${profile.profile_json.mode}, broker ` +
      `${token.kind} ${token.environment}) written to ${paths.instanceFile} and ${paths.envFile}`,
  );
  if (stop.aborted) return finish(stoppedStatus());

  const redactor = createSecretRedactor([config.machineToken, ...brokerSecrets(token)]);
  let currentToken = token;
  const trader = startTrader({
    command: config.traderCommand,
    cwd: config.workDir,
    env: {
      ...config.traderBaseEnv,
      ...env,
      HMMTRADE_INSTANCE_CONFIG: paths.instanceFile,
      HMMTRADE_ENV_FILE: paths.envFile,
      HMMTRADE_BOOT_ID: bootId,
    },
    onLine: (stream, raw) => {
      const line = redactor.redact(raw);
      if (stream === 'stdout') io.stdout(line);
      else io.stderr(line);
      sink.log(stream, line);
      const event = parseTraderEvent(line);
      if (event) sink.event(event.type, event.payload);
    },
  });
  run.trader = trader;
  say(`trader started (pid ${trader.pid ?? '-'}): ${formatCommand(config.traderCommand)}`);
  sink.event('lifecycle', { phase: 'trader_started', pid: trader.pid ?? null });

  const stopTimers = startTimers(config, io, boot.material, {
    client,
    sink,
    say,
    install: async (fresh: BrokerToken) => {
      await writeEnvFile(paths.envFile, brokerEnv(config.botId, profile, fresh));
      // The previous credential may still show up in output: keep redacting it as well.
      const secrets = [...brokerSecrets(currentToken), ...brokerSecrets(fresh)];
      redactor.setSecrets([config.machineToken, ...secrets]);
      currentToken = fresh;
      if (config.traderReloadSignal) trader.signal(config.traderReloadSignal);
      say(`broker token refreshed, ${paths.envFile} rewritten (expires ${fresh.expiresAt})`);
      sink.event('lifecycle', { phase: 'broker_token_refreshed', expiresAt: fresh.expiresAt });
    },
  });
  const exit = await waitForTrader(trader, stop, budget.traderGraceMs, say);
  stopTimers();
  say(describeExit(exit));
  const status = exitStatus(exit);
  sink.event('lifecycle', { phase: 'trader_exited', code: exit.code, signal: exit.signal, status });
  return finish(status);
}

/** The command on one short line: words with spaces or quotes JSON-quoted, cut at 200 chars. */
function formatCommand(command: readonly string[]): string {
  const text = command.map((word) => (/^[^\s"'\\]+$/.test(word) ? word : JSON.stringify(word)));
  const line = text.join(' ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
