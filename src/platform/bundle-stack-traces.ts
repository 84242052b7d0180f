/**
 * Stack traces of a bundle (dist/bundle/*.cjs, scripts/bundle.mjs) that name src/*.ts lines, at
 * no start-up cost. Node's own source-map support (--enable-source-maps,
 * process.setSourceMapsEnabled) reads and parses a module's map when the module compiles: for the
 * CLI's bundle that was ~15 ms of CPU on every command (bench/RESULTS.md section 23). Here the
 * map is read the first time a stack with a frame in the bundle is formatted (an error's `stack`
 * is formatted when first read), and each such frame's position is replaced by the one in src/.
 * Installed by the bundles of the CLI and the daemon as they start; not in the workers' (the
 * app's own errors are formatted as the app expects).
 */
import { readFileSync } from 'node:fs';
import type { SourceMap, SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { nodeModule } from './builtin.js';

export function installBundleStackTraces(bundleFile: string, mapFile = `${bundleFile}.map`): void {
  // Node maps stacks itself (--enable-source-maps): leave it. (Otherwise Error.prepareStackTrace
  // is Node's default, which formats as below: the error's toString(), then one frame a line.)
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true) return;
  let map: SourceMap | null | undefined;
  const load = (): SourceMap | null => {
    try {
      // node:module (and the ES module loader it brings) only now: not at every start (section 29).
      const { SourceMap } = nodeModule();
      return new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
    } catch {
      return null; // no map shipped: the bundle's own positions
    }
  };
  const frame = (site: NodeJS.CallSite): string => {
    const text = String(site);
    if (site.getFileName() !== bundleFile) return text;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (line === null || column === null) return text;
    map ??= load();
    const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return text;
    const original = `${resolve(dirname(mapFile), entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return text.replace(`${bundleFile}:${line}:${column}`, original);
  };
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = 'Error';
    }
    return header + sites.map((site) => `\n    at ${frame(site)}`).join('');
  };
}
