// esbuild (tsup) inlines the JSON at build time, so the published bin reads no file at runtime.
import packageJson from '../package.json' with { type: 'json' }

/** The version of `@skyloom/cli`, as `skyloom --version` prints it. */
export const CLI_VERSION: string = packageJson.version
