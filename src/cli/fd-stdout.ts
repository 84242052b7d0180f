/**
 * Standard output for the fast lines (fast-path.ts): each write is one write(2) to fd 1, as
 * bin/hotctl answers `--version`. Node's process.stdout is an object Node makes on first use
 * (for a pipe, a socket with a stream's state): making it and writing once through it cost a
 * fresh CLI 1.7–2.7 ms, against 0.3–0.4 ms for the write alone (bench/RESULTS.md, section 35).
 * When fd 1 would block (EAGAIN: a non-blocking pipe or terminal that is full), that write and
 * every later one go through process.stdout, in order.
 */
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';

export class FdStdout {
  private stream: NodeJS.WritableStream | null = null;
  private tty: boolean | undefined;

  /**
   * `fallback`: process.stdout, made and handled, for when fd 1 would block; `failed`: a write
   * failed (a reader gone: EPIPE; a full disk: ENOSPC), as that stream's 'error' would say.
   * (`fd`: 1, or a test's pipe.)
   */
  constructor(
    private readonly fallback: () => NodeJS.WritableStream,
    private readonly failed: (err: NodeJS.ErrnoException) => void,
    private readonly fd = 1,
  ) {}

  get isTTY(): boolean {
    this.tty ??= isatty(this.fd);
    return this.tty;
  }

  write(chunk: string): boolean {
    if (this.stream) return this.stream.write(chunk);
    let bytes = Buffer.from(chunk, 'utf8');
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(this.fd, bytes));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
          this.failed(err as NodeJS.ErrnoException);
          return false;
        }
        this.stream = this.fallback();
        return this.stream.write(bytes);
      }
    }
    return true;
  }
}
