import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { openSpoolLane, type SpoolLane } from './spool-lane.ts';

const itemSchema = z.object({ bootId: z.string(), seq: z.int(), text: z.string() });
type Item = z.infer<typeof itemSchema>;

const dirs: string[] = [];
const lanes: SpoolLane<Item>[] = [];
afterEach(async () => {
  for (const lane of lanes.splice(0)) await lane.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-spool-'));
  dirs.push(dir);
  return dir;
}

async function open(
  dir: string,
  options: { segmentBytes?: number; maxBufferedBytes?: number } = {},
) {
  const lane = await openSpoolLane({
    dir,
    schema: itemSchema,
    flushIntervalMs: 60_000,
    ...options,
  });
  lanes.push(lane);
  return lane;
}

const items = (bootId: string, from: number, to: number): Item[] =>
  Array.from({ length: to - from }, (_, i) => ({
    bootId,
    seq: from + i,
    text: `line ${from + i}`,
  }));

/** Reads and commits everything, returning the batches as [bootId, seqs]. */
async function drain(lane: SpoolLane<Item>, maxItems = 1000, maxBytes = 1 << 20) {
  const batches: [string, number[]][] = [];
  for (let batch = await lane.readBatch(maxItems, maxBytes); batch;) {
    batches.push([batch.bootId, batch.items.map((item) => item.seq)]);
    await lane.commit(batch);
    batch = await lane.readBatch(maxItems, maxBytes);
  }
  return batches;
}

describe('openSpoolLane', () => {
  it('hands back appended items in order, in bounded batches, then is drained', async () => {
    const lane = await open(await tempDir());
    for (const item of items('a', 0, 7)) lane.append(item);
    expect(lane.drained()).toBe(false);
    expect(await lane.readBatch(10, 1 << 20)).toBeNull(); // not on disk yet
    await lane.flushToDisk();
    expect(await drain(lane, 3)).toEqual([
      ['a', [0, 1, 2]],
      ['a', [3, 4, 5]],
      ['a', [6]],
    ]);
    expect(lane.drained()).toBe(true);
    for (const item of items('a', 7, 9)) lane.append(item);
    await lane.flushToDisk();
    expect(await drain(lane, 1000, 40)).toEqual([
      ['a', [7]],
      ['a', [8]],
    ]);
  });

  it('survives a restart: the old boot first, never mixed with the new one in a batch', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    for (const item of items('old', 0, 5)) first.append(item);
    await first.flushToDisk();
    const batch = await first.readBatch(2, 1 << 20);
    await first.commit(batch!); // 0 and 1 were delivered
    await first.close();

    const second = await open(dir);
    for (const item of items('new', 0, 3)) second.append(item);
    await second.flushToDisk();
    expect(await drain(second)).toEqual([
      ['old', [2, 3, 4]],
      ['new', [0, 1, 2]],
    ]);
    expect((await readdir(dir)).filter((name) => name.endsWith('.jsonl'))).toHaveLength(1);
  });

  it('skips a torn tail left by a crash and goes on', async () => {
    const dir = await tempDir();
    const good = items('crashed', 0, 2)
      .map((item) => JSON.stringify(item))
      .join('\n');
    await writeFile(join(dir, '000000000001.jsonl'), `${good}\n{"bootId":"crashed","se`);
    const lane = await open(dir);
    for (const item of items('next', 0, 1)) lane.append(item);
    await lane.flushToDisk();
    expect(await drain(lane)).toEqual([
      ['crashed', [0, 1]],
      ['next', [0]],
    ]);
  });

  it('rotates segments and deletes the delivered ones', async () => {
    const dir = await tempDir();
    const lane = await open(dir, { segmentBytes: 200 });
    for (const item of items('a', 0, 40)) {
      lane.append(item);
      if (item.seq % 5 === 4) await lane.flushToDisk();
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.jsonl')).length).toBeGreaterThan(
      3,
    );
    const batches = await drain(lane);
    expect(batches.flatMap(([, seqs]) => seqs)).toEqual(items('a', 0, 40).map((i) => i.seq));
    expect((await readdir(dir)).filter((name) => name.endsWith('.jsonl'))).toHaveLength(1);
    expect(lane.drained()).toBe(true);
  });

  it('drops (and counts) items beyond the memory bound instead of growing', async () => {
    const lane = await open(await tempDir(), { maxBufferedBytes: 300 });
    const accepted = items('a', 0, 20).map((item) => lane.append(item));
    expect(accepted.filter(Boolean).length).toBeLessThan(20);
    expect(lane.dropped()).toBe(accepted.filter((ok) => !ok).length);
  });
});
