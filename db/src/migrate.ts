import type { Kysely } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { migrations } from './migrations/index.ts';

/** The outcome of bringing a database to the latest schema. */
export interface MigrateOutcome {
  /** Names of the migrations applied by this call (empty when already current). */
  applied: string[];
}

/** Applies every pending migration in order, each in its own transaction; throws on failure. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrateOutcome> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed`, { cause: error });
  }
  return { applied: (results ?? []).filter(isApplied).map((result) => result.migrationName) };
}

function isApplied(result: MigrationResult): boolean {
  return result.status === 'Success' && result.direction === 'Up';
}
