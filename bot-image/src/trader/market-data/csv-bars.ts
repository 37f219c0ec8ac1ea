import { readFile } from 'node:fs/promises';
import type { Bar } from './bar.ts';

/** The columns a bar CSV must have (in any order; other columns are ignored). */
export const CSV_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/** A bad CSV: the message names the source, the 1-based line and, when known, the column. */
export class CsvBarsError extends Error {
  readonly line: number;
  readonly column: string | null;
  constructor(source: string, line: number, column: string | null, reason: string) {
    super(`${source}:${line}${column === null ? '' : `: column ${column}`}: ${reason}`);
    this.name = 'CsvBarsError';
    this.line = line;
    this.column = column;
  }
}

/**
 * Parses OHLCV bars from CSV text with a header row. `timestamp` is ISO 8601 or epoch seconds
 * or milliseconds (numbers below 1e11 are seconds). Prices must be positive with low ≤ open,
 * close ≤ high; volume non-negative; timestamps strictly increasing. Blank lines are skipped.
 */
export function parseCsvBars(text: string, source = 'csv'): Bar[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new CsvBarsError(source, 1, null, 'empty file, expected a header');
  const header = split(lines[headerIndex]!).map((name) => name.toLowerCase());
  const position = Object.fromEntries(
    CSV_COLUMNS.map((name) => {
      const index = header.indexOf(name);
      if (index < 0) {
        throw new CsvBarsError(
          source,
          headerIndex + 1,
          name,
          `missing from the header (need ${CSV_COLUMNS.join(',')})`,
        );
      }
      return [name, index];
    }),
  ) as Record<(typeof CSV_COLUMNS)[number], number>;

  const bars: Bar[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const lineNo = i + 1;
    const cells = split(lines[i]!);
    const cell = (name: (typeof CSV_COLUMNS)[number]): string => {
      const value = cells[position[name]];
      if (value === undefined || value === '') {
        throw new CsvBarsError(source, lineNo, name, 'missing value');
      }
      return value;
    };
    const number = (name: (typeof CSV_COLUMNS)[number]): number => {
      const raw = cell(name);
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        throw new CsvBarsError(source, lineNo, name, `'${raw}' is not a number`);
      }
      return value;
    };
    const bar: Bar = {
      timestamp: parseTimestamp(cell('timestamp'), source, lineNo),
      open: number('open'),
      high: number('high'),
      low: number('low'),
      close: number('close'),
      volume: number('volume'),
    };
    for (const name of ['open', 'high', 'low', 'close'] as const) {
      if (!(bar[name] > 0)) throw new CsvBarsError(source, lineNo, name, 'must be positive');
    }
    if (bar.volume < 0) throw new CsvBarsError(source, lineNo, 'volume', 'must not be negative');
    if (bar.high < Math.max(bar.open, bar.close, bar.low)) {
      throw new CsvBarsError(source, lineNo, 'high', 'is below open, close or low');
    }
    if (bar.low > Math.min(bar.open, bar.close)) {
      throw new CsvBarsError(source, lineNo, 'low', 'is above open or close');
    }
    const previous = bars[bars.length - 1];
    if (previous !== undefined && bar.timestamp <= previous.timestamp) {
      throw new CsvBarsError(source, lineNo, 'timestamp', 'must be later than the previous row');
    }
    bars.push(bar);
  }
  if (bars.length === 0) throw new CsvBarsError(source, headerIndex + 1, null, 'no bars');
  return bars;
}

/** Reads and parses a bar CSV file; errors name the file. */
export async function readCsvBars(path: string): Promise<Bar[]> {
  return parseCsvBars(await readFile(path, 'utf8'), path);
}

function split(line: string): string[] {
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

function parseTimestamp(raw: string, source: string, line: number): number {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const value = Number(raw);
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  const value = Date.parse(raw);
  if (Number.isNaN(value)) {
    throw new CsvBarsError(source, line, 'timestamp', `'${raw}' is not ISO 8601 or epoch time`);
  }
  return value;
}
