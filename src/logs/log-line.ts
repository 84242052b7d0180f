/**
 * One line of an app's log file, as written and as read back: stamped text
 * `2026-11-23T10:00:00.000Z [api#3 r2] listening on 3000`, or with `log_type: "json"` one JSON
 * object per line, as PM2 writes it.
 */
import type { LogEvent, LogStream } from '../protocol/events.js';
import { formatStamp } from './date-format.js';

export type { LogStream };

export interface LogLine {
  app: string;
  workerId: number;
  revision: number;
  stream: LogStream;
  text: string;
  atMs: number;
}

export function formatLogLine(line: LogLine, dateFormat?: string, logType?: string): string {
  if (logType === 'json') {
    // PM2's fields (lib/God/ForkMode.js, transformLogToJson), plus the revision.
    const entry = { message: line.text, timestamp: formatStamp(line.atMs, dateFormat), type: line.stream, process_id: line.workerId, app_name: line.app, revision: line.revision };
    return `${JSON.stringify(entry)}\n`;
  }
  return `${formatStamp(line.atMs, dateFormat)} [${line.app}#${line.workerId} r${line.revision}] ${line.text}\n`;
}

const STAMPED = /^(.*?) \[([A-Za-z0-9._-]+)#(\d+) r(\d+)\] (.*)$/;

/** Reads a stamped line back; a line not in that form (written by something else) is kept as text. */
export function parseLogLine(raw: string, app: string, stream: LogStream): LogEvent {
  if (raw.startsWith('{')) {
    try {
      const e = JSON.parse(raw) as Record<string, unknown>;
      if (typeof e.message === 'string' && typeof e.app_name === 'string') {
        return {
          kind: 'log',
          at: typeof e.timestamp === 'string' ? e.timestamp : '',
          app: e.app_name,
          worker_id: typeof e.process_id === 'number' ? e.process_id : -1,
          revision: typeof e.revision === 'number' ? e.revision : 0,
          stream: e.type === 'err' ? 'err' : e.type === 'out' ? 'out' : stream,
          text: e.message,
        };
      }
    } catch {
      // Not one of ours: kept as text below.
    }
  }
  const m = STAMPED.exec(raw);
  if (!m) return { kind: 'log', at: '', app, worker_id: -1, revision: 0, stream, text: raw };
  return { kind: 'log', at: m[1]!, app: m[2]!, worker_id: Number(m[3]), revision: Number(m[4]), stream, text: m[5]! };
}
