import type { ColumnType, Generated } from 'kysely';

/** A `timestamptz` with a database default: read as Date, optional on insert. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A nullable `timestamptz`. */
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

/** A `jsonb` column holding T, written as T (the pg driver serialises it). */
export type Json<T> = ColumnType<T, T | string, T | string>;

/** A `bigserial` id; int8 is parsed to number (ids stay below 2^53). */
export type SerialId = Generated<number>;

/** A `jsonb` column with a database default: optional on insert. */
export type JsonWithDefault<T> = ColumnType<T, T | string | undefined, T | string>;
