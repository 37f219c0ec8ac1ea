import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.

/**
 * Leader election fencing: whoever holds the operator's advisory lock bumps `epoch`, and every
 * mutating write of the operator checks that the epoch is still its own.
 */
export async function upOperatorLeases(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE operator_leases (
    name text PRIMARY KEY,
    epoch bigint NOT NULL DEFAULT 0,
    holder text,
    acquired_at timestamptz
  )`.execute(db);
}

export async function downOperatorLeases(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS operator_leases`.execute(db);
}
