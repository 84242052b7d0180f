/** Reads the last lines of a file without reading the whole file (log files can be large). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const BLOCK = 64 * 1024;

/** The last `count` complete or final lines of `path`, oldest first; [] when the file does not exist. */
export function readLastLines(path: string, count: number): string[] {
  if (count <= 0) return [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    let position = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // One more newline than lines wanted: the line before the first kept one must end.
    while (position > 0 && newlines <= count) {
      const length = Math.min(BLOCK, position);
      position -= length;
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, position);
      const chunk = buf.subarray(0, n);
      for (const byte of chunk) if (byte === 10) newlines++;
      chunks.unshift(chunk);
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (position > 0) lines.shift(); // a partial line cut by the block boundary
    return lines.slice(Math.max(0, lines.length - count));
  } finally {
    closeSync(fd);
  }
}
