import { Cron } from 'croner';
import { badInput } from '../../errors/index.ts';

/** A point in time; injected so tests control the clock without faking timers. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function validateTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw badInput(`"${timezone}" is not an IANA time zone; use a name like "Europe/Berlin", "America/New_York" or "UTC".`, 'timezone');
  }
}

/**
 * A schedule's cron expression in its time zone: five fields, or six with seconds first.
 * Times that do not exist on a DST change day run at the next valid time, a time that
 * happens twice runs once; interval patterns (every N minutes) keep their real interval.
 */
export function parseCron(expression: string, timezone: string): Cron {
  const text = expression.trim();
  let cron: Cron;
  try {
    cron = new Cron(text, { timezone, paused: true, mode: '5-or-6-parts' });
  } catch (error) {
    const detail = (error as Error).message.replace(/^CronPattern: /, '');
    throw badInput(
      `"${expression}" is not a cron expression: ${detail} Use five fields (minute hour day month weekday) or six with seconds first, e.g. "0 9 * * MON-FRI".`,
      'cron',
    );
  }
  if (cron.nextRun(new Date()) === null) throw badInput(`"${expression}" never runs; check the day and month fields.`, 'cron');
  return cron;
}

/** The first due time strictly after `after`, or null if there is none. */
export function nextDue(cron: Cron, after: Date): Date | null {
  return cron.nextRun(after);
}
