#!/usr/bin/env node
// The bot image's entrypoint: the supervisor, exactly what `hmmtrade bot` runs (botMain). The
// image runs this file bundled with everything it imports (scripts/build-bundle.ts).
import { botMain } from '../src/bot-main.ts';

process.exitCode = await botMain();
