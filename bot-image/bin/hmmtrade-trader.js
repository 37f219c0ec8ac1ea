#!/usr/bin/env node
// The reference trader, exactly what `hmmtrade trader …` runs (traderEntry).
const { traderEntry } = await import('../src/entrypoints.ts');
process.exitCode = await traderEntry(process.argv.slice(2));
