import { readFile } from 'node:fs/promises';
import { formatPath, profileSchema } from '@hmmtrade/crds';
import { ConfigError } from '@hmmtrade/platform';
import { parse } from 'yaml';
import type { TraderProfile } from './trading-engine.ts';

/** What the trader runs, from an instance file. */
export interface TraderInstance {
  botId: string | null;
  mode: 'paper' | 'live';
  broker: 'alpaca' | 'sim';
  /** Parsed with the TradingBot schema: every default applied. */
  profile: TraderProfile;
}

type Doc = Record<string, unknown>;
const isObject = (value: unknown): value is Doc =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads an instance YAML. Accepted shapes, tried in this order:
 * - the supervisor's `config/instances/<id>.yaml`: `{ bot: {id}, mode, broker: {kind}, profile }`;
 * - a TradingBot manifest (`spec` holding mode, broker and profile);
 * - a TradingBot spec or any object with a `profile`;
 * - a bare profile (an object with `symbols`).
 * mode defaults to paper and the broker to sim. A bad document throws a ConfigError naming the
 * file, the field and the reason.
 */
export function parseInstanceYaml(text: string, source: string): TraderInstance {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new ConfigError(`${source}: expected a mapping at the top level`);
  const body: Doc = isObject(doc.spec) ? doc.spec : doc;
  const prefix = body === doc ? '' : 'spec.';
  const rawProfile = isObject(body.profile) ? body.profile : 'symbols' in body ? body : undefined;
  if (rawProfile === undefined) {
    throw new ConfigError(`${source}: no profile found (expected a 'profile' mapping)`);
  }
  const profilePath = rawProfile === body ? prefix.replace(/\.$/, '') : `${prefix}profile`;
  const parsed = profileSchema.safeParse(rawProfile);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const path = formatPath([...(profilePath ? profilePath.split('.') : []), ...issue.path]);
      return `${path}: ${issue.message}`;
    });
    throw new ConfigError(`${source}: ${issues.join('; ')}`);
  }
  const mode = body.mode ?? 'paper';
  if (mode !== 'paper' && mode !== 'live') {
    throw new ConfigError(`${source}: ${prefix}mode: must be paper or live`);
  }
  const kind = isObject(body.broker) ? (body.broker.kind ?? 'sim') : 'sim';
  if (kind !== 'alpaca' && kind !== 'sim') {
    throw new ConfigError(`${source}: ${prefix}broker.kind: must be alpaca or sim`);
  }
  if (mode === 'live' && kind !== 'alpaca') {
    throw new ConfigError(`${source}: ${prefix}mode: live mode requires broker kind alpaca`);
  }
  const bot = isObject(doc.bot) ? doc.bot : isObject(doc.metadata) ? doc.metadata : {};
  const id = bot.id ?? bot.name;
  return {
    botId: typeof id === 'string' ? id : null,
    mode,
    broker: kind,
    profile: parsed.data,
  };
}

/** Reads and parses an instance file; a missing file is a ConfigError too. */
export async function readInstanceFile(path: string): Promise<TraderInstance> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the instance file: ${(error as Error).message}`);
  }
  return parseInstanceYaml(text, path);
}
