import { StringDecoder } from 'node:string_decoder';

/** Turns a byte stream into lines; see createLineSplitter. */
export interface LineSplitter {
  push(chunk: Buffer | string): void;
  /** Emits the unterminated rest, if any. */
  end(): void;
}

/**
 * Splits UTF-8 output into lines without the `\n` (and a trailing `\r`). A line longer than
 * `maxChars` is emitted in pieces of at most `maxChars`, so memory stays bounded whatever the
 * child prints; a piece never ends between the two halves of a surrogate pair.
 */
export function createLineSplitter(onLine: (line: string) => void, maxChars: number): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let pending = '';

  const drainLong = () => {
    while (pending.length > maxChars) {
      let cut = maxChars;
      const code = pending.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      onLine(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  };

  const take = (text: string) => {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      pending += text.slice(start, newline);
      if (pending.endsWith('\r')) pending = pending.slice(0, -1);
      drainLong();
      onLine(pending);
      pending = '';
      start = newline + 1;
    }
    pending += text.slice(start);
    drainLong();
  };

  return {
    push(chunk) {
      take(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    },
    end() {
      take(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
