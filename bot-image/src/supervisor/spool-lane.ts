import { open, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ZodMiniType } from 'zod/mini';
import {
  readCursor,
  readRecords,
  saveCursor,
  SEGMENT_PATTERN,
  segmentName,
  type SpoolBatch,
} from './spool-segments.ts';

export type { SpoolBatch, SpoolPosition } from './spool-segments.ts';

/** An item of a lane: what the API takes, plus the boot it belongs to. */
export interface Spooled {
  bootId: string;
}

/**
 * One durable FIFO of JSONL records on disk (DESIGN §5: nothing lost while the API is down).
 * Appends are buffered and written + fsync'd in batches; `readBatch`/`commit` consume from a
 * cursor persisted next to the segments, so a restarted supervisor resumes where the last one
 * stopped (re-sending at most one batch, which the idempotent API absorbs).
 */
export interface SpoolLane<T extends Spooled> {
  /** Buffers an item. False when it was dropped: the memory bound was hit (disk failing). */
  append(item: T): boolean;
  /** Writes and fsyncs everything appended so far. */
  flushToDisk(): Promise<void>;
  /** Up to `maxItems` / about `maxBytes` of one boot's items, or null when all are consumed. */
  readBatch(maxItems: number, maxBytes: number): Promise<SpoolBatch<T> | null>;
  commit(batch: SpoolBatch<T>): Promise<void>;
  /** True when every appended item has been committed. */
  drained(): boolean;
  /** Called after each write to disk (the shipper wakes up). */
  onWritten(listener: () => void): void;
  /** Items appended but dropped because the disk could not take them. */
  dropped(): number;
  close(): Promise<void>;
}

export interface SpoolLaneOptions<T> {
  dir: string;
  /** Validates a record read back; records failing it (torn, foreign) are skipped. */
  schema: ZodMiniType<T>;
  flushIntervalMs?: number;
  /** Buffered bytes that trigger an immediate write; default 64 KiB. */
  flushBytes?: number;
  /** Buffered bytes beyond which new items are dropped (disk not writable); default 8 MiB. */
  maxBufferedBytes?: number;
  /** A segment is closed and a new one started past this size; default 4 MiB. */
  segmentBytes?: number;
  onError?: (message: string) => void;
}

const RETRY_WRITE_MS = 1_000;

export async function openSpoolLane<T extends Spooled>(
  options: SpoolLaneOptions<T>,
): Promise<SpoolLane<T>> {
  const { dir, schema } = options;
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const flushBytes = options.flushBytes ?? 64 * 1024;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
  const onError = options.onError ?? (() => undefined);
  const cursorFile = join(dir, 'cursor.json');
  const parse = (text: string): T | undefined => {
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };

  await mkdir(dir, { recursive: true });
  const sizes = new Map<number, number>();
  for (const name of await readdir(dir)) {
    const match = SEGMENT_PATTERN.exec(name);
    if (match) sizes.set(Number(match[1]), (await stat(join(dir, name))).size);
  }
  let cursor = await readCursor(cursorFile);
  for (const segment of [...sizes.keys()]) {
    if (segment < cursor.segment) await removeSegment(segment);
  }
  // A new boot never appends to an old segment: its tail may be torn by a crash.
  let active = Math.max(cursor.segment, ...sizes.keys()) + 1;
  let handle: FileHandle = await open(join(dir, segmentName(active)), 'a');
  sizes.set(active, 0);

  let buffer: string[] = [];
  let bufferedBytes = 0;
  let inFlightBytes = 0;
  let droppedCount = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let closed = false;
  const listeners: (() => void)[] = [];

  async function removeSegment(segment: number) {
    sizes.delete(segment);
    await unlink(join(dir, segmentName(segment))).catch(() => undefined);
  }

  /** Starts the next segment; the current one keeps its real size (a torn tail is skipped). */
  async function rotate(): Promise<void> {
    const next = await open(join(dir, segmentName(active + 1)), 'a');
    const previous = handle;
    sizes.set(active, (await previous.stat()).size);
    handle = next;
    active += 1;
    sizes.set(active, 0);
    await previous.close().catch(() => undefined);
  }

  async function writeBuffered(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    // Appends made while this write is in progress go to a fresh buffer.
    const taken = buffer;
    const takenBytes = bufferedBytes;
    buffer = [];
    bufferedBytes = 0;
    inFlightBytes = takenBytes;
    const text = taken.join('');
    try {
      // After a failed write the segment may end in half a record: continue in a fresh one.
      if (failing) await rotate();
      await handle.write(text);
      await handle.datasync();
    } catch (error) {
      if (!failing) onError(`spool ${dir}: write failed: ${(error as Error).message}`);
      failing = true;
      inFlightBytes = 0;
      // Kept (within maxBufferedBytes) and tried again.
      buffer = taken.concat(buffer);
      bufferedBytes += takenBytes;
      if (!closed) timer = setTimeout(() => void flushToDisk(), RETRY_WRITE_MS);
      return;
    }
    failing = false;
    inFlightBytes = 0;
    sizes.set(active, (sizes.get(active) ?? 0) + Buffer.byteLength(text));
    if ((sizes.get(active) ?? 0) >= segmentBytes) await rotate().catch(() => undefined);
    for (const listener of listeners) listener();
  }

  const flushToDisk = (): Promise<void> => {
    writing = writing.then(writeBuffered, writeBuffered);
    return writing;
  };

  const schedule = () => {
    if (bufferedBytes >= flushBytes) {
      void flushToDisk();
    } else if (!timer && !closed) {
      timer = setTimeout(() => void flushToDisk(), flushIntervalMs);
    }
  };

  async function readBatch(maxItems: number, maxBytes: number): Promise<SpoolBatch<T> | null> {
    for (;;) {
      const first = Math.min(...sizes.keys());
      if (cursor.segment < first) cursor = { segment: first, offset: 0 };
      const size = sizes.get(cursor.segment) ?? 0;
      if (cursor.offset >= size) {
        if (cursor.segment >= active) return null;
        await removeSegment(cursor.segment);
        const later = [...sizes.keys()].filter((segment) => segment > cursor.segment);
        cursor = { segment: Math.min(...later), offset: 0 };
        await saveCursor(cursorFile, cursor);
        continue;
      }
      const file = join(dir, segmentName(cursor.segment));
      const batch = await readRecords(file, cursor, size, { maxItems, maxBytes, parse });
      if (batch.items.length > 0) return batch;
      cursor = batch.end; // only skipped (torn) records
      await saveCursor(cursorFile, cursor);
    }
  }

  return {
    append(item) {
      const line = `${JSON.stringify(item)}\n`;
      const bytes = Buffer.byteLength(line);
      if (closed || bufferedBytes + inFlightBytes + bytes > maxBufferedBytes) {
        droppedCount += 1;
        return false;
      }
      buffer.push(line);
      bufferedBytes += bytes;
      schedule();
      return true;
    },
    flushToDisk,
    readBatch,
    async commit(batch) {
      cursor = batch.end;
      await saveCursor(cursorFile, cursor);
    },
    drained() {
      return (
        bufferedBytes === 0 &&
        cursor.segment === active &&
        cursor.offset >= (sizes.get(active) ?? 0)
      );
    },
    onWritten(listener) {
      listeners.push(listener);
    },
    dropped: () => droppedCount,
    async close() {
      await flushToDisk();
      closed = true;
      if (timer) clearTimeout(timer);
      await writing;
      await handle.close();
    },
  };
}
