import { readFileSync } from 'node:fs';

/**
 * hotctl's own version, from package.json (dist/src/version.js → ../../package.json). Read as
 * a file: `require` of JSON would start the CommonJS loader, a cost on every CLI start.
 */
export const HOTCTL_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
