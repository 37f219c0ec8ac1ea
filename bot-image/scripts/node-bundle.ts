// esbuild settings shared by every program the project ships as a bundle: the bot image's two
// programs (bundles.ts) and the control plane's `hmmtrade` (cli/scripts/bundle.ts).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

/** What to bundle, where to. */
export interface NodeBundleOptions {
  /** The directory the metafile's paths are relative to (the repository). */
  workingDir: string;
  entryPoints: string[];
  /** The bundles go to `<outDir>/bin/`, beside a package.json that makes them ES modules. */
  outDir: string;
  /** Dynamic imports become chunks of their own, loaded only when reached. */
  splitting?: boolean;
  /** Packages left out of the bundle, loaded from node_modules at run time. */
  external?: string[];
  /**
   * Packages treated as free of side effects, so that what is not used is left out even though
   * their package.json does not say so (e.g. @kubernetes/client-node, whose `index.js` loads
   * ≈ 27 MB of generated API classes that the operator never calls).
   */
  sideEffectFree?: string[];
  /**
   * Drop whitespace and comments and simplify syntax, keeping names so stack traces still
   * read: V8 keeps every loaded module's source text, so a large bundle costs its size again in
   * memory (≈ 6 MB less RSS for the operator, bench/README.md).
   */
  compact?: boolean;
}

export async function bundleNodePrograms(options: NodeBundleOptions): Promise<Metafile> {
  // Chunk names carry content hashes: without this, chunks of earlier builds would pile up.
  await rm(join(options.outDir, 'bin'), { recursive: true, force: true });
  const { metafile } = await build({
    absWorkingDir: options.workingDir,
    entryPoints: options.entryPoints,
    outdir: join(options.outDir, 'bin'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: options.splitting ?? false,
    external: options.external ?? [],
    plugins: options.sideEffectFree ? [sideEffectFree(options.sideEffectFree)] : [],
    // The same bundle with or without the tsconfig files (an image's build stage has none).
    tsconfigRaw: {},
    // CommonJS dependencies call require(), which ES modules lack.
    banner: {
      js: "import { createRequire as $bundleCreateRequire } from 'node:module'; const require = $bundleCreateRequire(import.meta.url);",
    },
    minifyWhitespace: options.compact ?? false,
    minifySyntax: options.compact ?? false,
    metafile: true,
    logLevel: 'warning',
  });
  await writeFile(join(options.outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return metafile;
}

function sideEffectFree(packages: string[]): Plugin {
  const pattern = new RegExp(
    `^(${packages.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`,
  );
  return {
    name: 'side-effect-free',
    setup(build) {
      build.onResolve({ filter: pattern }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        return { ...resolved, sideEffects: false };
      });
    },
  };
}
