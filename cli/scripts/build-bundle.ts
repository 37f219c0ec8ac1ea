// Bundles `hmmtrade` (see bundle.ts) and prints the size of each file.
//   node cli/scripts/build-bundle.ts [out dir]    default: .tsbuild/cli-bundle
import { resolve } from 'node:path';
import { buildCliBundle, DEFAULT_CLI_BUNDLE_DIR } from './bundle.ts';

const outDir = process.argv[2] === undefined ? DEFAULT_CLI_BUNDLE_DIR : resolve(process.argv[2]);
const metafile = await buildCliBundle(outDir);
for (const [file, output] of Object.entries(metafile.outputs)) {
  console.log(`${file}: ${(output.bytes / 1024).toFixed(0)} KiB`);
}
