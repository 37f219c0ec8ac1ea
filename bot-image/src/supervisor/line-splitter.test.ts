import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.ts';

function split(chunks: (string | Buffer)[], maxChars = 100) {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxChars);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('createLineSplitter', () => {
  it('splits across chunks, drops CR of CRLF and emits the unterminated rest at the end', () => {
    expect(split(['a\nb', 'c\r\n', '\nlast'])).toEqual(['a', 'bc', '', 'last']);
  });

  it('decodes UTF-8 split between chunks', () => {
    const bytes = Buffer.from('héllo €\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)])).toEqual([
      'héllo €',
    ]);
  });

  it('cuts over-long lines into bounded pieces without splitting a surrogate pair', () => {
    expect(split(['x'.repeat(25) + '\n'], 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'xxxxx']);
    const lines = split(['x'.repeat(9) + '😀' + 'y\n'], 10);
    expect(lines).toEqual(['x'.repeat(9), '😀y']);
  });
});
