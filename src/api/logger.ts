import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED, REDACTED_PATHS, scrubLogLine } from './redact.ts';

export type { Logger };

/**
 * JSON lines to stdout (or `destination`); `level` from the option, `RETAILOS_LOG_LEVEL`, else info.
 * API keys never reach the output: known fields are redacted, and every line is scrubbed of key-shaped
 * words and credential query parameters (src/api/redact.ts).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.RETAILOS_LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: { service: 'retailos-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      hooks: { streamWrite: scrubLogLine },
    },
    options.destination ?? pino.destination(1),
  );
}
