import { Command, CommanderError } from 'commander';
import { ConfigError, describeError } from '@hmmtrade/platform';
import { loadCliConfig, type CliFlags } from './config.ts';
import { runMigrate } from './commands/migrate.ts';
import { startStack } from './commands/up.ts';
import { VERSION } from './version.ts';

/** Exit codes: 0 ok, 1 the work failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const print = (line: string) => void process.stdout.write(`${line}\n`);

/** Runs the `hmmtrade` command line and resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    process.stderr.write(`hmmtrade: ${describeError(error)}\n`);
    return error instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
}

function buildProgram(): Command {
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
    .description('run everything on this machine: database, migrations, API')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env PORT, default 8080)')
    .action(async (flags: CliFlags) => {
      const stack = await startStack(loadCliConfig(flags), print);
      await untilSignalled();
      print('stopping…');
      await stack.stop();
      print('stopped');
    });

  withDatabaseOptions(program.command('migrate'))
    .description('apply pending database migrations (DATABASE_URL, or the embedded database)')
    .action(async (flags: CliFlags) => {
      await runMigrate(loadCliConfig(flags), print);
    });

  return program;
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
