import { createDb, migrateToLatest } from '@hmmtrade/db';
import type { CliConfig } from '../config.ts';

/** Brings the configured database (DATABASE_URL, or the embedded one) to the latest schema. */
export async function runMigrate(config: CliConfig, print: (line: string) => void): Promise<void> {
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { applied } = await migrateToLatest(database.db);
    print(
      applied.length
        ? `applied ${applied.length} migration(s) to ${database.location}: ${applied.join(', ')}`
        : `${database.location} is up to date`,
    );
  } finally {
    await database.close();
  }
}
