import type { z } from 'zod';

const ARTICLE_NOUN: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
};

function expectedNoun(expected: string): string {
  return ARTICLE_NOUN[expected] ?? `a ${expected}`;
}

const FORMAT_NOUN: Readonly<Record<string, string>> = {
  datetime: 'an RFC 3339 timestamp',
  uuid: 'a UUID',
};

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * zod error map giving the short human reasons shown after a field path (`must be at most 1`,
 * `Required`). Messages set on a schema (regex explanations, cross-field rules) take precedence.
 */
export const humanErrorMap: z.core.$ZodErrorMap = (issue) => {
  // A missing field fails as a type mismatch or, for enums and literals, as a wrong value.
  if (
    issue.input === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value')
  ) {
    return 'Required';
  }
  switch (issue.code) {
    case 'invalid_type': {
      // z.int() reports a non-number as expected 'number'; its format says it wants an integer.
      const format = (issue.inst?._zod.def as { format?: string } | undefined)?.format;
      return `must be ${expectedNoun(format === 'safeint' ? 'int' : issue.expected)}`;
    }
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'set') {
        return issue.minimum === 1
          ? 'must not be empty'
          : `must have at least ${plural(issue.minimum, 'item')}`;
      }
      if (issue.origin === 'string') {
        return issue.minimum === 1
          ? 'must not be empty'
          : `must be at least ${plural(issue.minimum, 'character')}`;
      }
      return issue.inclusive === false
        ? `must be greater than ${issue.minimum}`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `must have at most ${plural(issue.maximum, 'item')}`;
      }
      if (issue.origin === 'string') {
        return `must be at most ${plural(issue.maximum, 'character')}`;
      }
      return issue.inclusive === false
        ? `must be less than ${issue.maximum}`
        : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined
        ? `must match ${issue.pattern}`
        : `must be ${FORMAT_NOUN[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_union':
      return 'does not match any allowed shape';
    default:
      return undefined;
  }
};
