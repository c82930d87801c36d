import { DEFAULT_CONFIG_PATH, loadAlertConfig, SEVERITIES, type Severity } from '../../alerts/config.ts';
import { smtpFromEnv } from '../../alerts/delivery/email.ts';
import { sendTest } from '../../alerts/notify.ts';
import { runAlerts } from '../../alerts/service.ts';
import { listAlerts } from '../../alerts/store.ts';
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  parseSubscription,
} from '../../alerts/subscriptions.ts';
import { detectOperationalAnomalies } from '../../anomaly/operational.ts';
import { wallClock } from '../../clock/sources.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { commandContext } from '../../workflow/cli-support.ts';
import { ALERT_COLUMNS, ANOMALY_COLUMNS, alertTable, anomalyTable, loadAnomalies } from '../alert-lists.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';
import { formatRows, toJsonValue } from '../format.ts';
import { outputFormat } from './positions.ts';

const USAGE = [
  'retailos alerts list [--status open|resolved|all] [--severity S] [--rule ID] [--format table|json|csv]',
  '       retailos alerts rules [--config FILE]',
  '       retailos alerts run [--config FILE] [--as-of TIME] [--detect] [--json]',
  '       retailos alerts detect [--json]',
  '       retailos alerts anomalies [--since DAY] [--limit N] [--format table|json|csv]',
  '       retailos alerts subscribe --name NAME (--webhook URL --secret S | --email ADDR[,ADDR]) [--roles R,..]',
  '                                 [--rules ID,..] [--min-severity S] [--nodes N,..] [--channels C,..] [--digest]',
  '                                 [--quiet HH:MM-HH:MM] [--throttle MAX/MINUTES]',
  '       retailos alerts subscriptions | unsubscribe ID | test ID',
].join('\n');

const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' && v.length > 0
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** Rows a table shows (--limit, default 50); JSON and CSV list everything. */
function tableLimit(args: ParsedArgs): number {
  const text = args.values.limit as string | undefined;
  const n = text === undefined ? 50 : Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError('--limit takes a positive whole number');
  return n;
}

/** Opens the warehouse (read-only for what only lists), runs `work`, closes it. */
async function withWarehouse(
  args: ParsedArgs,
  io: CommandIo,
  work: (w: Warehouse) => Promise<number>,
  readOnly = false,
): Promise<number> {
  const warehouse = await Warehouse.open(resolveDbPath(args.values.db as string | undefined, io.env), {
    create: false,
    readOnly,
  });
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

function subscriptionFromFlags(args: ParsedArgs): unknown {
  const v = args.values;
  const webhook = v.webhook as string | undefined;
  const email = list(v.email);
  if ((webhook === undefined) === (email === undefined)) {
    throw new UserError('Give either --webhook URL --secret S, or --email ADDR.');
  }
  const quiet = v.quiet as string | undefined;
  const quietMatch = quiet ? /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(quiet) : null;
  if (quiet && !quietMatch) throw new UserError('--quiet takes HH:MM-HH:MM (UTC), e.g. 22:00-07:00');
  const throttle = v.throttle as string | undefined;
  const throttleMatch = throttle ? /^(\d+)\/(\d+)$/.exec(throttle) : null;
  if (throttle && !throttleMatch) throw new UserError('--throttle takes MAX/MINUTES, e.g. 10/60');
  return {
    name: v.name,
    filter: {
      roles: list(v.roles),
      rules: list(v.rules),
      min_severity: v['min-severity'],
      nodes: list(v.nodes),
      channels: list(v.channels),
    },
    channel: webhook ? 'webhook' : 'email',
    webhook: webhook ? { url: webhook, secret: v.secret } : undefined,
    email: email ? { to: email } : undefined,
    mode: v.digest === true ? 'digest' : 'immediate',
    quiet_hours: quietMatch ? { start: quietMatch[1], end: quietMatch[2] } : undefined,
    throttle: throttleMatch
      ? { max: Number(throttleMatch[1]), window_minutes: Number(throttleMatch[2]) }
      : undefined,
  };
}

export const alertsCommand: Command = {
  name: 'alerts',
  summary:
    'Operational alerts: list, rules, run the rules, anomaly detection, subscriptions, test deliveries.',
  usage: USAGE,
  details: [
    `Rules come from ${DEFAULT_CONFIG_PATH.replace(`${process.cwd()}/`, '')} (--config): low stock, delayed inbound,`,
    'inventory mismatch, fulfilment backlog, allocation failures and anomaly scores; see docs/alerts.md.',
    '`run` evaluates every rule as of the business clock (retailos status shows it; --as-of an earlier time),',
    'opens, escalates and resolves alerts dated then, and notifies the subscriptions of what opened or escalated',
    '(each condition once until it resolves or escalates). list, rules and subscriptions only read.',
    'E-mail goes through $RETAILOS_SMTP_URL (smtp://host:port) from $RETAILOS_MAIL_FROM.',
  ].join('\n'),
  options: {
    status: { type: 'string', valueName: 'S', description: 'list: open (default), resolved or all' },
    severity: {
      type: 'string',
      valueName: 'S',
      description: `list: this severity or higher (${SEVERITIES.join(', ')})`,
    },
    rule: { type: 'string', valueName: 'ID', description: 'list: only this rule' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    config: { type: 'string', valueName: 'FILE', description: 'alert rules (default config/alerts.json)' },
    'as-of': {
      type: 'string',
      valueName: 'TIME',
      description: 'run: evaluate as of this ISO time (default: the business clock; not after it)',
    },
    detect: { type: 'boolean', description: 'run: score the operational series first (anomaly detection)' },
    since: {
      type: 'string',
      valueName: 'DAY',
      description: 'anomalies: only days from this one (YYYY-MM-DD)',
    },
    limit: {
      type: 'string',
      valueName: 'N',
      description: 'list / anomalies: at most N rows in a table (default 50)',
    },
    json: { type: 'boolean', description: 'run/detect: print the summary as JSON' },
    name: { type: 'string', valueName: 'NAME', description: 'subscribe: a name for the subscription' },
    webhook: { type: 'string', valueName: 'URL', description: 'subscribe: POST signed JSON here' },
    secret: { type: 'string', valueName: 'S', description: 'subscribe: HMAC-SHA256 secret (16+ characters)' },
    email: {
      type: 'string',
      valueName: 'ADDR',
      description: 'subscribe: e-mail recipients, comma-separated',
    },
    roles: { type: 'string', valueName: 'R,..', description: 'subscribe: only alerts for these roles' },
    rules: { type: 'string', valueName: 'ID,..', description: 'subscribe: only these rules' },
    'min-severity': { type: 'string', valueName: 'S', description: 'subscribe: info, warning or critical' },
    nodes: { type: 'string', valueName: 'N,..', description: 'subscribe: only alerts about these nodes' },
    channels: {
      type: 'string',
      valueName: 'C,..',
      description: 'subscribe: only alerts about these channels',
    },
    digest: { type: 'boolean', description: 'subscribe: collect alerts into the daily digest' },
    quiet: {
      type: 'string',
      valueName: 'HH:MM-HH:MM',
      description: 'subscribe: quiet hours (UTC; critical still sent)',
    },
    throttle: {
      type: 'string',
      valueName: 'MAX/MIN',
      description: 'subscribe: at most MAX messages per MIN minutes',
    },
  },
  async run(args, io) {
    const [sub = 'list', id] = args.positionals;
    switch (sub) {
      case 'rules': {
        const config = loadAlertConfig((args.values.config as string | undefined) ?? DEFAULT_CONFIG_PATH);
        const rows = config.rules.map((r) => ({
          id: r.id,
          kind: r.kind,
          enabled: r.enabled,
          severity: r.severity,
          role: r.role,
          params: JSON.stringify(r.params),
        }));
        io.stdout.write(
          formatRows(['id', 'kind', 'enabled', 'severity', 'role', 'params'], rows, outputFormat(args)),
        );
        return 0;
      }
      case 'list':
        return withWarehouse(
          args,
          io,
          async (w) => {
            const status = (args.values.status as string | undefined) ?? 'open';
            if (!['open', 'resolved', 'all'].includes(status))
              throw new UserError('--status: open, resolved or all');
            const severity = args.values.severity as Severity | undefined;
            if (severity && !SEVERITIES.includes(severity))
              throw new UserError(`--severity: ${SEVERITIES.join(', ')}`);
            const rows = await listAlerts(w, {
              status: status as 'open',
              severity,
              rule_id: args.values.rule as string | undefined,
              limit: 1_000_000, // every alert: the table sorts them by impact, and a count is not a row cap
            });
            const format = outputFormat(args);
            if (format === 'table') {
              // People: costliest first, products and nodes named, figures formatted (alert-lists.ts).
              const { rows: shown, more } = await alertTable(w, rows, tableLimit(args));
              io.stdout.write(formatRows([...ALERT_COLUMNS], shown, format));
              if (more > 0) io.stdout.write(`… ${more} more (--limit N, or --format json for all).\n`);
              return 0;
            }
            const shaped = rows.map((r) => ({
              ...r,
              impact: format === 'json' ? r.impact : JSON.stringify(r.impact),
            }));
            io.stdout.write(
              formatRows(
                [
                  'alert_id',
                  'severity',
                  'rule_id',
                  'role',
                  'title',
                  'detail',
                  'impact',
                  'opened_at',
                  'status',
                ],
                shaped,
                format,
              ),
            );
            return 0;
          },
          true,
        );
      case 'anomalies':
        return withWarehouse(
          args,
          io,
          async (w) => {
            const since = args.values.since as string | undefined;
            if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since))
              throw new UserError('--since takes a day: YYYY-MM-DD');
            const found = await loadAnomalies(w, since);
            const format = outputFormat(args);
            if (format !== 'table') {
              io.stdout.write(
                formatRows(
                  ['metric', 'scope_kind', 'scope_id', 'day', 'value', 'expected', 'score', 'direction'],
                  found as unknown as Record<string, unknown>[],
                  format,
                ),
              );
              return 0;
            }
            if (found.length === 0) {
              io.stdout.write('No anomalies flagged. Score the series with: retailos alerts detect\n');
              return 0;
            }
            const { rows, more } = await anomalyTable(w, found, tableLimit(args));
            io.stdout.write(formatRows([...ANOMALY_COLUMNS], rows, format));
            if (more > 0)
              io.stdout.write(`… ${more} more (--limit N, --since DAY, or --format json for all).\n`);
            return 0;
          },
          true,
        );
      case 'run':
      case 'detect':
        return withWarehouse(args, io, async (w) => {
          const ctx = await commandContext(args, io, w, { timeFlag: 'as-of' });
          const out: Record<string, unknown> = {};
          if (sub === 'detect' || args.values.detect === true) {
            out.detection = await detectOperationalAnomalies(w, { now: ctx.now });
          }
          if (sub === 'run') {
            const config = loadAlertConfig((args.values.config as string | undefined) ?? DEFAULT_CONFIG_PATH);
            out.alerts = await runAlerts(w, config, {
              clock: wallClock,
              asOf: ctx.now,
              smtp: smtpFromEnv(io.env),
            });
          }
          if (args.values.json === true) io.stdout.write(`${JSON.stringify(toJsonValue(out))}\n`);
          else {
            const d = out.detection as { series: number; points: number; anomalies: number } | undefined;
            if (d)
              io.stdout.write(`Anomalies: ${d.anomalies} of ${d.points} days over ${d.series} series.\n`);
            const a = out.alerts as Awaited<ReturnType<typeof runAlerts>> | undefined;
            if (a) {
              io.stdout.write(
                `Alerts as of ${a.asOf}: ${a.open} open (${a.opened} new, ${a.escalated} escalated), ${a.resolved} resolved; ` +
                  `notifications ${a.notifications.delivered} delivered, ${a.notifications.queued + a.notifications.throttled} queued, ` +
                  `${a.notifications.deadLettered} dead-lettered.\n`,
              );
              for (const e of a.errors) io.stderr.write(`rule ${e.rule_id} failed: ${e.error}\n`);
            }
          }
          return (out.alerts as { errors: unknown[] } | undefined)?.errors.length ? 1 : 0;
        });
      case 'subscribe':
        return withWarehouse(args, io, async (w) => {
          const spec = parseSubscription(subscriptionFromFlags(args));
          const created = await createSubscription(w, spec, io.env.USER ?? null, wallClock.now());
          io.stdout.write(`Subscribed: ${created.subscription_id} (${spec.channel}, ${spec.mode}).\n`);
          return 0;
        });
      case 'subscriptions':
        return withWarehouse(
          args,
          io,
          async (w) => {
            const rows = (await listSubscriptions(w)).map((s) => ({
              subscription_id: s.subscription_id,
              name: s.spec.name,
              channel: s.spec.channel,
              target: s.spec.webhook?.url ?? s.spec.email?.to.join(', '),
              mode: s.spec.mode,
              filter: JSON.stringify(s.spec.filter),
            }));
            io.stdout.write(
              formatRows(
                ['subscription_id', 'name', 'channel', 'target', 'mode', 'filter'],
                rows,
                outputFormat(args),
              ),
            );
            return 0;
          },
          true,
        );
      case 'unsubscribe':
      case 'test':
        if (!id)
          throw new UserError(`alerts ${sub} needs a subscription id (see: retailos alerts subscriptions)`);
        return withWarehouse(args, io, async (w) => {
          if (sub === 'unsubscribe') {
            if (!(await deleteSubscription(w, id))) throw new UserError(`No subscription ${id}.`, 1);
            io.stdout.write(`Unsubscribed ${id}.\n`);
            return 0;
          }
          const found = (await listSubscriptions(w)).find((s) => s.subscription_id === id);
          if (!found) throw new UserError(`No subscription ${id}.`, 1);
          const ok = await sendTest(found, { warehouse: w, clock: wallClock, smtp: smtpFromEnv(io.env) });
          io.stdout.write(
            ok
              ? `Test message delivered to ${id}.\n`
              : `Test message to ${id} failed: it is kept as a dead letter (retailos sql "SELECT * FROM alert_dead_letters").\n`,
          );
          return ok ? 0 : 1;
        });
      default:
        throw new UserError(`Unknown alerts subcommand "${sub}". Usage:\n${USAGE}`, 2);
    }
  },
};
