/**
 * Checks a `cron_restart` expression with cron-parser, the parser the supervisor schedules with
 * (src/cluster/cron-schedule.ts), so a file is refused for exactly what could not run. The parser
 * is loaded on the first expression checked (./cron-parser-on-demand.ts).
 */
import { cronParser } from './cron-parser-on-demand.js';

/** Why `expression` is not a cron expression hotctl can run, or null when it is one. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  // cron-parser also takes a seventh (year) field; hotctl documents 5 or 6 and keeps to them.
  if (!expression.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) return `${fields.length} field${fields.length === 1 ? '' : 's'} (5 or 6 expected)`;
  try {
    cronParser().CronExpressionParser.parse(expression).next();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
