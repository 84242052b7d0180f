import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** hotctl's own version, from package.json (dist/src/version.js → ../../package.json). */
export const HOTCTL_VERSION: string = (require('../../package.json') as { version: string }).version;
