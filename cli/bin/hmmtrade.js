#!/usr/bin/env node
// The `hmmtrade` command. Runs the TypeScript sources directly (Node strips the types), so it
// needs Node >= 22.12; npm scripts and npx put the repository's pinned Node 24 first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `hmmtrade: needs Node >= 22.12 but this is ${process.version}; run it through npm ` +
      '(npm run up, npx hmmtrade …), which uses the Node 24 pinned in package.json\n',
  );
  process.exit(1);
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
