import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CsvBarsError, parseCsvBars, readCsvBars } from './csv-bars.ts';

const header = 'timestamp,open,high,low,close,volume';

describe('parseCsvBars', () => {
  it('reads ISO and epoch timestamps, any column order, extra columns ignored', () => {
    const text = [
      'close,timestamp,volume,open,high,low,vwap',
      '10.5,2026-03-02T14:30:00Z,100,10,11,9.5,1',
      '10.7,1772462100,200,10.5,10.8,10.4,1',
      '',
      '10.6,1772462400000,0,10.7,10.9,10.5,1',
    ].join('\n');
    expect(parseCsvBars(text)).toEqual([
      {
        timestamp: Date.parse('2026-03-02T14:30:00Z'),
        open: 10,
        high: 11,
        low: 9.5,
        close: 10.5,
        volume: 100,
      },
      { timestamp: 1772462100000, open: 10.5, high: 10.8, low: 10.4, close: 10.7, volume: 200 },
      { timestamp: 1772462400000, open: 10.7, high: 10.9, low: 10.5, close: 10.6, volume: 0 },
    ]);
  });

  const bad: {
    name: string;
    rows: string[];
    message: string;
    line: number;
    column: string | null;
  }[] = [
    {
      name: 'a missing header column',
      rows: ['timestamp,open,high,low,close', '1,1,1,1,1'],
      message: 'bars.csv:1: column volume: missing from the header',
      line: 1,
      column: 'volume',
    },
    {
      name: 'a word where a number belongs',
      rows: [header, '1,1,2,1,1,5', '2,1,2,1,abc,5'],
      message: "bars.csv:3: column close: 'abc' is not a number",
      line: 3,
      column: 'close',
    },
    {
      name: 'an empty cell',
      rows: [header, '1,1,2,1,,5'],
      message: 'bars.csv:2: column close: missing value',
      line: 2,
      column: 'close',
    },
    {
      name: 'a bad timestamp',
      rows: [header, 'yesterday,1,2,1,1,5'],
      message: "bars.csv:2: column timestamp: 'yesterday' is not ISO 8601 or epoch time",
      line: 2,
      column: 'timestamp',
    },
    {
      name: 'high below the close',
      rows: [header, '1,1,1.5,1,2,5'],
      message: 'bars.csv:2: column high: is below open, close or low',
      line: 2,
      column: 'high',
    },
    {
      name: 'a negative price',
      rows: [header, '1,-1,2,1,1,5'],
      message: 'bars.csv:2: column open: must be positive',
      line: 2,
      column: 'open',
    },
    {
      name: 'timestamps going backwards',
      rows: [header, '5,1,2,1,1,5', '4,1,2,1,1,5'],
      message: 'bars.csv:3: column timestamp: must be later than the previous row',
      line: 3,
      column: 'timestamp',
    },
    { name: 'no rows', rows: [header], message: 'bars.csv:1: no bars', line: 1, column: null },
  ];
  it.each(bad)('names line and column for $name', ({ rows, message, line, column }) => {
    let error: unknown;
    try {
      parseCsvBars(rows.join('\n'), 'bars.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvBarsError);
    expect((error as CsvBarsError).message).toContain(message);
    expect((error as CsvBarsError).line).toBe(line);
    expect((error as CsvBarsError).column).toBe(column);
  });
});

describe('readCsvBars', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('names the file in its errors', async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-bars-'));
    const path = join(dir, 'spy.csv');
    await writeFile(path, `${header}\n1,1,2,1,x,5\n`);
    await expect(readCsvBars(path)).rejects.toThrow(`${path}:2: column close: 'x' is not a number`);
  });
});
