/**
 * Time stamps of log lines. Default: ISO 8601 in UTC. `log_date_format` takes the tokens PM2
 * users write most (moment.js style): YYYY MM DD HH mm ss SSS Z, in local time; anything else is
 * copied as written.
 */
import { isoTime } from '../platform/iso-time.js';

const TOKENS = /YYYY|MM|DD|HH|mm|ss|SSS|Z/g;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function formatStamp(atMs: number, format?: string): string {
  if (!format) return isoTime(atMs);
  const date = new Date(atMs);
  return format.replace(TOKENS, (token) => {
    switch (token) {
      case 'YYYY':
        return String(date.getFullYear());
      case 'MM':
        return pad(date.getMonth() + 1);
      case 'DD':
        return pad(date.getDate());
      case 'HH':
        return pad(date.getHours());
      case 'mm':
        return pad(date.getMinutes());
      case 'ss':
        return pad(date.getSeconds());
      case 'SSS':
        return pad(date.getMilliseconds(), 3);
      default:
        return offset(date);
    }
  });
}
