/** Plain data YAML can hold: what the instance file is made of. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Block-style YAML for plain data. Strings are always double-quoted with JSON escapes (a valid
 * YAML double-quoted scalar), so no value is ever read back as a number, boolean or null by
 * accident (`"NO"`, `"1e3"`, `"on"`). Keys are quoted unless they are plain identifiers.
 * `undefined` members are left out; non-finite numbers are refused.
 */
export function toYaml(value: YamlValue): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(value)) return [`${pad}${scalar(value)}`];
  if (isList(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) =>
      isScalar(item) || isEmpty(item)
        ? [`${pad}- ${inline(item)}`]
        : [`${pad}-`, ...lines(item, indent + 2)],
    );
  }
  const entries = Object.entries(value).filter(
    (entry): entry is [string, YamlValue] => entry[1] !== undefined,
  );
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([key, item]) =>
    isScalar(item) || isEmpty(item)
      ? [`${pad}${yamlKey(key)}: ${inline(item)}`]
      : [`${pad}${yamlKey(key)}:`, ...lines(item, indent + 2)],
  );
}

function isScalar(value: YamlValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function isList(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isEmpty(value: YamlValue): boolean {
  if (isScalar(value)) return false;
  return isList(value) ? value.length === 0 : Object.values(value).every((v) => v === undefined);
}

function inline(value: YamlValue): string {
  if (isScalar(value)) return scalar(value);
  return isList(value) ? '[]' : '{}';
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`YAML: cannot write the number ${value}`);
    return String(value);
  }
  return typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(key)
    ? key
    : JSON.stringify(key);
}
