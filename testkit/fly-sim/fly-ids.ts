import { randomBytes, randomInt } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A Fly machine id: 14 lowercase hex characters. */
export function newMachineId(): string {
  return randomBytes(7).toString('hex');
}

/** An opaque app id in Fly's style. */
export function newAppId(): string {
  return randomBytes(8).toString('hex');
}

/** A 6PN-style private IPv6 address. */
export function newPrivateIp(): string {
  const hex = (): string => randomBytes(2).toString('hex');
  return `fdaa:0:${hex()}:a7b:${hex()}:${hex()}:${hex()}:2`;
}

const ADJECTIVES = ['quiet', 'late', 'misty', 'bold', 'young', 'small', 'wild', 'calm', 'dry'];
const NOUNS = ['frost', 'river', 'meadow', 'cloud', 'pine', 'dawn', 'field', 'stone', 'wave'];

/** A generated machine name such as `misty-river-4821`. */
export function newMachineName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] ?? 'quiet';
  const noun = NOUNS[randomInt(NOUNS.length)] ?? 'frost';
  return `${adjective}-${noun}-${randomInt(1000, 10000)}`;
}

/**
 * Monotonic ULIDs (26 Crockford base32 characters): versions and event ids. Ids from one factory
 * sort in creation order even within one millisecond, so `from_event_id` can compare strings.
 */
export function createUlidFactory(now: () => number = Date.now): () => string {
  let lastTime = -1;
  let random = 0n;
  return () => {
    const time = now();
    if (time > lastTime) {
      lastTime = time;
      random = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
    } else {
      random += 1n;
    }
    return encode(BigInt(lastTime), 10) + encode(random, 16);
  };
}

function encode(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration string (`"10s"`, `"1m30s"`, `"500ms"`) into milliseconds; null when it
 * is not one. A bare number is not a Go duration (see parseSecondsOrDuration).
 */
export function parseGoDuration(text: string): number | null {
  const match = /^((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (text === '0') return 0;
  if (!match) return null;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? 's'] ?? 0);
  }
  return total;
}

/** A Go duration string or a plain number of seconds, in milliseconds; null when neither. */
export function parseSecondsOrDuration(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  return parseGoDuration(text);
}
