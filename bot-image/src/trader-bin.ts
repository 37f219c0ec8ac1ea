import { fileURLToPath } from 'node:url';

/**
 * The reference trader's entry, bin/hmmtrade-trader.js, resolved against this module's URL. That
 * is why this module sits one directory below the package root: so do the bundles (`bin/` of the
 * bundle directory, scripts/bundles.ts), where this URL is the bundle's and names the bundled
 * trader beside it.
 */
export const TRADER_BIN = fileURLToPath(new URL('../bin/hmmtrade-trader.js', import.meta.url));
