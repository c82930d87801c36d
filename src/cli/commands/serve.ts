import { DEFAULT_MAX_RESULT_BYTES } from '../../api/sandbox.ts';
import { startServer } from '../../api/server.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Command } from '../command.ts';

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new UserError(`--${name} takes a whole number ≥ ${min}, got ${text}`);
  return value;
}

const MIB = 1024 * 1024;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the API server (owns the warehouse; stops gracefully on SIGTERM/SIGINT).',
  usage: 'retailos serve [--port 8080] [--host 127.0.0.1]',
  details: [
    'Serves /api/v1 (every route needs an API key: retailos keys create --role … --name …), /health, /metrics and',
    'the dashboards at /dashboards/ (built by retailos dashboards build; rebuilt hourly). Runs the scheduled jobs',
    '(forecasting, replenishment, anomaly detection, alerts, workflow) and, after every ingest batch, the ledger',
    'refresh and allocation.',
    'While it runs it is the only process that can open the warehouse: use the API (or stop it) for the CLI.',
    'Logs are JSON lines on stdout (RETAILOS_LOG_LEVEL=debug|info|warn|error).',
  ].join('\n'),
  options: {
    port: { type: 'string', valueName: 'N', description: 'TCP port (default 8080; 0 = any free port)' },
    host: { type: 'string', valueName: 'ADDR', description: 'address to listen on (default 127.0.0.1)' },
    'rate-limit': {
      type: 'string',
      valueName: 'N',
      description: 'requests per second per key (default 100)',
    },
    'max-events': {
      type: 'string',
      valueName: 'N',
      description: 'most events per POST /events (default 10000)',
    },
    'sql-max-result-mb': {
      type: 'string',
      valueName: 'N',
      description: `largest POST /sql result, in MiB of JSON (default ${DEFAULT_MAX_RESULT_BYTES / MIB}); larger ones are refused`,
    },
  },
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
    const port = positiveInt('port', args.values.port as string | undefined, 8080, 0);
    const perSecond = positiveInt('rate-limit', args.values['rate-limit'] as string | undefined, 100);
    const maxEvents = positiveInt('max-events', args.values['max-events'] as string | undefined, 10_000);
    const sqlMaxResultMb = positiveInt(
      'sql-max-result-mb',
      args.values['sql-max-result-mb'] as string | undefined,
      DEFAULT_MAX_RESULT_BYTES / MIB,
    );
    const server = await startServer({
      dbPath,
      port,
      host: (args.values.host as string | undefined) ?? '127.0.0.1',
      rateLimit: { perSecond, burst: perSecond * 2 },
      limits: { maxEventsPerRequest: maxEvents },
      sql: { maxResultBytes: sqlMaxResultMb * MIB },
    });
    io.stderr.write(`retailos serve: listening on ${server.url} (warehouse ${dbPath}); Ctrl-C stops\n`);
    io.stderr.write(`retailos serve: dashboards at ${server.url}/dashboards/ (log in with an API key)\n`);
    if (server.context.keys.size === 0) {
      io.stderr.write(
        'retailos serve: no API keys yet; stop the server and create one: retailos keys create --role admin --name you\n',
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        io.stderr.write(
          `retailos serve: ${signal}: finishing requests in flight, then closing the warehouse\n`,
        );
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        server.close().then(resolve, (error: unknown) => {
          io.stderr.write(`retailos serve: shutdown failed: ${String(error)}\n`);
          resolve();
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    io.stderr.write('retailos serve: stopped\n');
    return 0;
  },
};
