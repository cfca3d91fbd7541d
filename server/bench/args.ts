/**
 * A reader of positive numeric flags for a bench: a bad value exits with what was wrong
 * and the bench's usage, never a stack trace.
 */
export function positiveFlags(usage: string): (name: string, raw: string, integer?: boolean) => number {
  return (name, raw, integer = true) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${raw}\n\n${usage}`);
      process.exit(2);
    }
    return value;
  };
}
