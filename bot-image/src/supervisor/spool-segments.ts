import { open, readFile, rename, writeFile } from 'node:fs/promises';

/** A byte offset in a numbered segment file. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

/** A run of consecutive items of one boot, read from the cursor on. */
export interface SpoolBatch<T> {
  bootId: string;
  items: T[];
  /** Where the cursor goes once the batch is delivered. */
  end: SpoolPosition;
}

/** Segments are `<12-digit number>.jsonl`, consumed in numeric order. */
export const SEGMENT_PATTERN = /^(\d{12})\.jsonl$/;

export const segmentName = (n: number): string => `${String(n).padStart(12, '0')}.jsonl`;

/** Limits of one read, and how a record is checked (undefined: skip it). */
export interface ReadLimits<T> {
  maxItems: number;
  maxBytes: number;
  parse: (text: string) => T | undefined;
}

/**
 * Whole records of one boot from `from` on, within `size` bytes of the segment. Lines that do
 * not parse (a torn tail after a crash) are skipped: `end` moves past them even when no item
 * is returned.
 */
export async function readRecords<T extends { bootId: string }>(
  file: string,
  from: SpoolPosition,
  size: number,
  limits: ReadLimits<T>,
): Promise<SpoolBatch<T>> {
  const handle = await open(file, 'r');
  try {
    let want = Math.min(size - from.offset, limits.maxBytes + 64 * 1024);
    for (;;) {
      const chunk = Buffer.alloc(want);
      const { bytesRead } = await handle.read(chunk, 0, want, from.offset);
      const batch = parseChunk(chunk.subarray(0, bytesRead), from, limits);
      if (batch.items.length > 0 || batch.end.offset > from.offset) return batch;
      // No whole line in the window: a longer record, or a torn tail at the segment's end.
      if (from.offset + bytesRead >= size) {
        return { bootId: '', items: [], end: { segment: from.segment, offset: size } };
      }
      want = Math.min(size - from.offset, want * 2);
    }
  } finally {
    await handle.close();
  }
}

function parseChunk<T extends { bootId: string }>(
  chunk: Buffer,
  from: SpoolPosition,
  limits: ReadLimits<T>,
): SpoolBatch<T> {
  const items: T[] = [];
  let bootId = '';
  let offset = from.offset;
  let used = 0;
  let start = 0;
  for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
    const length = nl + 1 - start;
    if (items.length >= limits.maxItems) break;
    if (items.length > 0 && used + length > limits.maxBytes) break;
    const item = limits.parse(chunk.toString('utf8', start, nl));
    if (item && items.length > 0 && item.bootId !== bootId) break;
    if (item) {
      bootId = item.bootId;
      items.push(item);
      used += length;
    }
    offset += length;
    start = nl + 1;
  }
  return { bootId, items, end: { segment: from.segment, offset } };
}

/** The persisted cursor; missing or torn means "from the oldest segment". */
export async function readCursor(file: string): Promise<SpoolPosition> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<SpoolPosition>;
    const { segment, offset } = value;
    if (Number.isSafeInteger(segment) && Number.isSafeInteger(offset)) {
      return { segment: segment!, offset: offset! };
    }
  } catch {
    // re-sending from the oldest segment is safe: the API deduplicates on (bootId, seq)
  }
  return { segment: 0, offset: 0 };
}

/** Replaces the cursor atomically; losing it costs only re-sends, so it is not fsync'd. */
export async function saveCursor(file: string, cursor: SpoolPosition): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, JSON.stringify(cursor));
  await rename(temp, file);
}
