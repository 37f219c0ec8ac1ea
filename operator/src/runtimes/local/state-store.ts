import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DesiredInstance } from '../runtime.ts';

/**
 * What the local runtime knows about one bot's process (`<stateDir>/bots/<bot>/state.json`).
 * It holds the desired instance, env included, so files are private to the user (0600).
 */
export interface LocalRecord {
  version: 1;
  botId: string;
  instanceId: string;
  desired: DesiredInstance;
  /** What the last create/start/stop/update asked for. */
  desiredState: 'running' | 'stopped';
  /** The process, when one was spawned and not yet seen to exit. */
  pid: number | null;
  startTime: string | null;
  /** When the last stop's timeout ran out (ISO 8601), after which it cannot still be stopping. */
  stopDeadline?: string | undefined;
  restarts: number;
  lastExitCode?: number | null | undefined;
  lastExitAt?: string | undefined;
}

/**
 * Written before every spawn and removed once the record names the process, so a crash in
 * between leaves a trace that makes the next call look for the process instead of spawning.
 */
export interface PendingMarker {
  instanceId: string;
  desired: DesiredInstance;
  at: string;
}

/** Per-bot files under one state directory, each written atomically (temp file + rename). */
export interface StateStore {
  readonly stateDir: string;
  /** The stable id of this state directory, the `HMMTRADE_LOCAL_RUNTIME` marker. */
  readonly runtimeId: string;
  botDir(botId: string): string;
  logFile(botId: string): string;
  readRecord(botId: string): Promise<LocalRecord | null>;
  writeRecord(record: LocalRecord): Promise<void>;
  readPending(botId: string): Promise<PendingMarker | null>;
  writePending(botId: string, marker: PendingMarker): Promise<void>;
  removePending(botId: string): Promise<void>;
  /** Removes the bot's directory: record, marker and log. */
  removeBot(botId: string): Promise<void>;
  /** Bots that have a directory (a record, a pending marker, or both). */
  listBotIds(): Promise<string[]>;
}

const PREFIX = 'bot-';

/** Opens (creating if needed) a state directory; synchronous, done once at startup. */
export function openStateStore(dir: string): StateStore {
  const stateDir = resolve(dir);
  const botsDir = join(stateDir, 'bots');
  mkdirSync(botsDir, { recursive: true, mode: 0o700 });
  const runtimeId = readOrCreateRuntimeId(join(stateDir, 'runtime-id'));
  const botDir = (botId: string): string => join(botsDir, PREFIX + encodeURIComponent(botId));
  const recordFile = (botId: string): string => join(botDir(botId), 'state.json');
  const pendingFile = (botId: string): string => join(botDir(botId), 'pending.json');

  const writeJson = async (botId: string, file: string, value: unknown): Promise<void> => {
    // Not recursive: a removed state directory must stay removed.
    await mkdir(botDir(botId), { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(value), { mode: 0o600, flush: true });
    await rename(temp, file);
  };

  return {
    stateDir,
    runtimeId,
    botDir,
    logFile: (botId) => join(botDir(botId), 'bot.log'),
    readRecord: (botId) => readJson<LocalRecord>(recordFile(botId)),
    writeRecord: (record) => writeJson(record.botId, recordFile(record.botId), record),
    readPending: (botId) => readJson<PendingMarker>(pendingFile(botId)),
    writePending: (botId, marker) => writeJson(botId, pendingFile(botId), marker),
    removePending: (botId) => rm(pendingFile(botId), { force: true }),
    removeBot: (botId) => rm(botDir(botId), { recursive: true, force: true, maxRetries: 3 }),
    async listBotIds() {
      const names = await readdir(botsDir);
      return names
        .filter((name) => name.startsWith(PREFIX))
        .map((name) => decodeURIComponent(name.slice(PREFIX.length)));
    },
  };
}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return JSON.parse(text) as T;
}

/** Created complete or not at all (link fails if another process got there first). */
function readOrCreateRuntimeId(file: string): string {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `local-${randomUUID()}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  return readFileSync(file, 'utf8').trim();
}
