import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON lines to stdout (or `destination`); `level` from the option, `RETAILOS_LOG_LEVEL`, else info. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.RETAILOS_LOG_LEVEL ?? 'info';
  return pino(
    { level, base: { service: 'retailos-api' }, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination(1),
  );
}
