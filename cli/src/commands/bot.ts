import type { BotConfig } from '../config.ts';

/**
 * The process every bot runs (the image's entrypoint). For now it announces itself, beats a
 * heartbeat on stdout and exits cleanly on SIGTERM or SIGINT; the supervisor (profile, broker
 * token, trader, audit sink) grows here.
 */
export async function runBot(config: BotConfig, print: (line: string) => void): Promise<void> {
  print(`bot ${config.botId}: started (control plane ${config.apiUrl})`);
  const heartbeat = setInterval(
    () => print(`bot ${config.botId}: heartbeat ${new Date().toISOString()}`),
    config.heartbeatSeconds * 1000,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  clearInterval(heartbeat);
  print(`bot ${config.botId}: ${signal} received, stopped`);
}
