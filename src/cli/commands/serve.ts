import { DEFAULT_MAX_RESULT_BYTES } from '../../api/sandbox.ts';
import { startServer } from '../../api/server.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { defineCommand } from '../command.ts';

const MIB = 1024 * 1024;

export const serveCommand = defineCommand({
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
    port: {
      type: 'int',
      min: 0,
      max: 65535,
      default: 8080,
      valueName: 'N',
      description: 'TCP port (default 8080; 0 = any free port)',
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      valueName: 'ADDR',
      description: 'address to listen on (default 127.0.0.1)',
    },
    'rate-limit': {
      type: 'int',
      min: 1,
      default: 100,
      valueName: 'N',
      description: 'requests per second per key (default 100)',
    },
    'max-events': {
      type: 'int',
      min: 1,
      default: 10_000,
      valueName: 'N',
      description: 'most events per POST /events (default 10000)',
    },
    'sql-max-result-mb': {
      type: 'int',
      min: 1,
      default: DEFAULT_MAX_RESULT_BYTES / MIB,
      valueName: 'N',
      description: `largest POST /sql result, in MiB of JSON (default ${DEFAULT_MAX_RESULT_BYTES / MIB}); larger ones are refused`,
    },
  },
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db, io.env);
    const perSecond = args.values['rate-limit'];
    const server = await startServer({
      dbPath,
      port: args.values.port,
      host: args.values.host,
      rateLimit: { perSecond, burst: perSecond * 2 },
      limits: { maxEventsPerRequest: args.values['max-events'] },
      sql: { maxResultBytes: args.values['sql-max-result-mb'] * MIB },
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
});
