#!/usr/bin/env node
// The bot image's entrypoint: the supervisor, exactly what `hmmtrade bot` runs (botMain).
const { botMain } = await import('../src/entrypoints.ts');
process.exitCode = await botMain();
