#!/usr/bin/env node
// The reference trader, exactly what `hmmtrade trader …` runs (traderEntry). The image runs
// this file bundled with everything it imports (scripts/build-bundle.ts).
import { traderEntry } from '../src/trader-entry.ts';

process.exitCode = await traderEntry(process.argv.slice(2));
