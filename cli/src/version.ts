import packageJson from '../package.json' with { type: 'json' };

/** The version every component reports (`/version`, `--version`). */
export const VERSION: string = packageJson.version;
