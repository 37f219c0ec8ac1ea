import type { DesiredInstance } from '../../runtime.ts';

/** Images that pick a fixture process; each prints `ready` once its handlers are installed. */
export const FIXTURE_IMAGES = {
  /** Runs until signalled; default signal handling. */
  sleeper: 'fixture/sleeper',
  /** Ignores SIGTERM, so only SIGKILL ends it. */
  stubborn: 'fixture/stubborn',
  /** Prints `received <signal>` for SIGTERM or SIGINT, then exits 0. */
  recorder: 'fixture/recorder',
  /** Exits with code 7 on SIGUSR2. */
  crasher: 'fixture/crasher',
} as const;

const SCRIPTS: Record<string, string> = {
  [FIXTURE_IMAGES.sleeper]: '',
  [FIXTURE_IMAGES.stubborn]: "process.on('SIGTERM', () => {});",
  [FIXTURE_IMAGES.recorder]:
    "for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { console.log('received ' + s); process.exit(0); });",
  [FIXTURE_IMAGES.crasher]: "process.on('SIGUSR2', () => process.exit(7));",
};

/** A node process (this Node, via process.execPath) running the fixture the image names. */
export function fixtureCommand(desired: Pick<DesiredInstance, 'image'>): string[] {
  const script = SCRIPTS[desired.image] ?? '';
  return [process.execPath, '-e', `${script} console.log('ready'); setInterval(() => {}, 1000);`];
}
