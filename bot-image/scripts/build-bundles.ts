// Bundles the image's programs (see bundles.ts) and prints their sizes.
//   node bot-image/scripts/build-bundles.ts [out dir]    default: .tsbuild/bot-image-bundle
import { resolve } from 'node:path';
import { buildBundles, DEFAULT_BUNDLE_DIR } from './bundles.ts';

const outDir = process.argv[2] === undefined ? DEFAULT_BUNDLE_DIR : resolve(process.argv[2]);
const metafile = await buildBundles(outDir);
for (const [file, output] of Object.entries(metafile.outputs)) {
  console.log(`${file}: ${(output.bytes / 1024).toFixed(0)} KiB`);
}
