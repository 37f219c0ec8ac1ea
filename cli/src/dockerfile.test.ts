import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, bundledBin, IMAGE_BIN } from '../scripts/bundle.ts';
import { runCli } from './testing/run-cli.ts';
import { VERSION } from './version.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');

// No Docker engine here: the image's `hmmtrade` is the bundle the Dockerfile builds, run here
// from a directory inside the repository (so PGlite, left out of the bundle, resolves as it does
// from the image's /app/node_modules).
describe('control plane image Dockerfile', () => {
  let bundleDir: string;
  let metafile: Metafile;
  const dirs: string[] = [];

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(REPO_ROOT, '.tsbuild', 'cli-bundle-test-'));
    dirs.push(bundleDir);
    metafile = await buildCliBundle(bundleDir);
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('builds the bundle, links it as hmmtrade and runs as a non-root user', () => {
    expect(DOCKERFILE).toMatch(/^RUN node cli\/scripts\/build-bundle\.ts \/app\/bundle$/m);
    expect(DOCKERFILE).toMatch(/^COPY --from=build \/app\/bundle cli\/$/m);
    expect(DOCKERFILE).toContain(`ln -s /app/cli/bin/hmmtrade.js ${IMAGE_BIN}`);
    expect(DOCKERFILE).toMatch(/^USER 10001:10001$/m);
    expect(DOCKERFILE).toMatch(/^ENTRYPOINT \["hmmtrade"\]$/m);
  });

  it('loads for `hmmtrade operator --runtime kubernetes` neither the API, the AWS SDK nor PGlite', () => {
    const { outputs } = metafile;
    const entry = (name: string) => {
      const found = Object.keys(outputs).filter((file) =>
        new RegExp(`/${name}-[^/]+\\.js$`).test(file),
      );
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    // The operator command's chunks and what they import statically: what that process loads.
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const imported of outputs[file]!.imports) {
        if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
      }
    };
    visit(entry('operator-only'));
    visit(entry('operator-kubernetes'));
    const sources = [...loaded].flatMap((file) =>
      Object.entries(outputs[file]!.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([source]) => source),
    );
    expect(sources).toContain('operator/src/runtimes/kubernetes/kubernetes-runtime.ts');
    expect(
      sources.filter((source) => /^api\/src\/(?!internal\/machine-tokens)/.test(source)),
    ).toEqual([]);
    // Nor @kubernetes/client-node's generated API classes (its model classes stay, reached
    // through `export *`; leaving them out measured no saving).
    expect(
      sources.filter((source) =>
        /@aws-sdk|@electric-sql|client-node\/dist\/gen\/(apis|types)\//.test(source),
      ),
    ).toEqual([]);
  });

  it('runs: --version, and migrate on the embedded database, which it loads from node_modules', async () => {
    const bin = bundledBin(bundleDir);
    const version = await runCli(['--version'], {}, { bin });
    expect(version.stdout.trim()).toBe(VERSION);
    const dataDir = await mkdtemp(join(tmpdir(), 'cli-bundle-data-'));
    dirs.push(dataDir);
    const migrate = await runCli(['migrate', '--data-dir', dataDir], { DATABASE_URL: '' }, { bin });
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/^applied \d+ migration\(s\) to .*: 0001-initial/m);
    expect(migrate.code).toBe(0);
  });
});
