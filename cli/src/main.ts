import { Command, CommanderError } from 'commander';
import { ConfigError, describeError } from '@hmmtrade/platform';
import { loadCliConfig, type CliFlags } from './config.ts';
import { VERSION } from './version.ts';

/** Exit codes: 0 ok, 1 the work failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const print = (line: string) => void process.stdout.write(`${line}\n`);

// Each command loads its own modules when it runs, so that a process holds only what its
// command uses: `hmmtrade operator` never loads the API, the AWS SDK or the embedded database.

/** Runs the `hmmtrade` command line and resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // Subcommands whose work has its own exit status (the bot, the trader) report it here.
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    process.stderr.write(`hmmtrade: ${describeError(error)}\n`);
    return error instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('hmmtrade')
    .description('HMM Trade: regime-detection trading bots, their control plane and reconciler')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  const withDatabaseOptions = (command: Command) =>
    command
      .option(
        '--data-dir <dir>',
        'embedded database and local state (env HMMTRADE_DATA_DIR, default ~/.hmmtrade)',
      )
      .option(
        '--database-url <url>',
        'use this Postgres instead of the embedded one (env DATABASE_URL)',
      );

  withDatabaseOptions(program.command('up'))
    .description('run everything on this machine: database, migrations, API, operator')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env PORT, default 8080)')
    .option(
      '--runtime <runtime>',
      'where bots run: local, fake, fly or fly-sim (env OPERATOR_RUNTIME)',
    )
    .action(async (flags: CliFlags) => {
      await runUntilSignalled(async () =>
        (await import('./commands/up.ts')).startStack(loadCliConfig(flags), print),
      );
    });

  withDatabaseOptions(program.command('api'))
    .description('run the control plane API alone (migrates first)')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env PORT, default 8080)')
    .action(async (flags: CliFlags) => {
      await runUntilSignalled(async () =>
        (await import('./commands/api.ts')).startApiProcess(loadCliConfig(flags), print),
      );
    });

  withDatabaseOptions(program.command('operator'))
    .description('run the reconciler alone (leader-elected; metrics on --port)')
    .option('--host <host>', 'address of the metrics server (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port of the metrics server (env PORT, default 8080)')
    .option(
      '--runtime <runtime>',
      'where bots run: local, fake, fly or fly-sim (env OPERATOR_RUNTIME)',
    )
    .action(async (flags: CliFlags) => {
      await runUntilSignalled(async () =>
        (await import('./commands/operator-only.ts')).startOperatorProcess(
          loadCliConfig(flags),
          print,
        ),
      );
    });

  const sim = program.command('sim').description('run a simulator of an external service');
  sim
    .command('fly')
    .description('the Fly Machines API simulator (machines run as local processes)')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env PORT, default 8080)')
    .action(async (flags: CliFlags) => {
      await runUntilSignalled(async () =>
        (await import('./commands/sim.ts')).startFlySimProcess(loadCliConfig(flags), print),
      );
    });

  program
    .command('bot')
    .description(
      'run one bot: the supervisor (the bot image entrypoint; reads BOT_ID, HMMTRADE_API_URL, HMMTRADE_MACHINE_TOKEN)',
    )
    .action(async () => {
      setExitCode(await (await import('@hmmtrade/bot-image')).botMain());
    });

  program
    .command('trader')
    .description('the reference HMM regime trader: run | backtest (see hmmtrade trader help)')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[]) => {
      setExitCode(await (await import('@hmmtrade/bot-image')).traderEntry(args));
    });

  withDatabaseOptions(program.command('migrate'))
    .description('apply pending database migrations (DATABASE_URL, or the embedded database)')
    .action(async (flags: CliFlags) => {
      await (await import('./commands/migrate.ts')).runMigrate(loadCliConfig(flags), print);
    });

  return program;
}

/** Starts a service, waits for SIGINT or SIGTERM, then stops it. */
async function runUntilSignalled(start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  const service = await start();
  await untilSignalled();
  print('stopping…');
  await service.stop();
  print('stopped');
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
