import { DEFAULT_CONFIG_PATH, loadAlertConfig, SEVERITIES } from '../../alerts/config.ts';
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
import { UserError } from '../../warehouse/errors.ts';
import { ALERT_COLUMNS, ANOMALY_COLUMNS, alertTable, anomalyTable, loadAnomalies } from '../alert-lists.ts';
import { type Args, type CommandIo, defineCommand, defineGroup } from '../command.ts';
import { callerOf, commandContext } from '../context.ts';
import { formatRows, toJsonValue } from '../format.ts';
import { withWarehouse } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

const CONFIG = {
  config: { type: 'string', valueName: 'FILE', description: 'alert rules (default config/alerts.json)' },
} as const;
const JSON_OPTION = { json: { type: 'boolean', description: 'print the summary as JSON' } } as const;
const TABLE_LIMIT = {
  limit: {
    type: 'int',
    min: 1,
    default: 50,
    valueName: 'N',
    description: 'at most N rows in a table (default 50; JSON and CSV list all)',
  },
} as const;

const list = defineCommand({
  name: 'list',
  summary: 'Alerts, costliest first, products and nodes named (only reads).',
  options: {
    status: {
      type: 'enum',
      choices: ['open', 'resolved', 'all'],
      default: 'open',
      valueName: 'S',
      description: 'open (default), resolved or all',
    },
    severity: {
      type: 'enum',
      choices: SEVERITIES,
      valueName: 'S',
      description: `this severity or higher (${SEVERITIES.join(', ')})`,
    },
    rule: { type: 'string', valueName: 'ID', description: 'only this rule' },
    ...TABLE_LIMIT,
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { status, severity, rule, format, limit } = args.values;
    return withWarehouse({ db: args.values.db, readOnly: true }, io, async (w) => {
      const rows = await listAlerts(w, {
        status,
        severity,
        rule_id: rule,
        limit: 1_000_000, // every alert: the table sorts them by impact, and a count is not a row cap
      });
      if (format === 'table') {
        // People: costliest first, products and nodes named, figures formatted (alert-lists.ts).
        const { rows: shown, more } = await alertTable(w, rows, limit);
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
          ['alert_id', 'severity', 'rule_id', 'role', 'title', 'detail', 'impact', 'opened_at', 'status'],
          shaped,
          format,
        ),
      );
      return 0;
    });
  },
});

const rules = defineCommand({
  name: 'rules',
  summary: 'The alert rules in force (only reads).',
  options: { ...CONFIG, ...FORMAT_OPTION },
  async run(args, io) {
    const config = loadAlertConfig(args.values.config ?? DEFAULT_CONFIG_PATH);
    const rows = config.rules.map((r) => ({
      id: r.id,
      kind: r.kind,
      enabled: r.enabled,
      severity: r.severity,
      role: r.role,
      params: JSON.stringify(r.params),
    }));
    io.stdout.write(
      formatRows(['id', 'kind', 'enabled', 'severity', 'role', 'params'], rows, args.values.format),
    );
    return 0;
  },
});

const AS_OF = {
  'as-of': {
    type: 'time',
    valueName: 'TIME',
    description: 'evaluate as of this ISO time (default: the business clock; not after it)',
  },
} as const;

/** What run and detect do: score the operational series and/or evaluate the rules, as of the business clock. */
interface Evaluation {
  db: string | undefined;
  asOf: Date | undefined;
  json: boolean;
  detect: boolean;
  /** Evaluate the rules of this config file. */
  rules?: { config: string } | undefined;
}

async function evaluate(io: CommandIo, e: Evaluation): Promise<number> {
  return withWarehouse({ db: e.db }, io, async (w) => {
    const ctx = await commandContext(w, callerOf({}, io), { flag: '--as-of', value: e.asOf });
    const out: Record<string, unknown> = {};
    if (e.detect) out.detection = await detectOperationalAnomalies(w, { now: ctx.now });
    if (e.rules) {
      const config = loadAlertConfig(e.rules.config);
      out.alerts = await runAlerts(w, config, { clock: wallClock, asOf: ctx.now, smtp: smtpFromEnv(io.env) });
    }
    if (e.json) io.stdout.write(`${JSON.stringify(toJsonValue(out))}\n`);
    else {
      const d = out.detection as { series: number; points: number; anomalies: number } | undefined;
      if (d) io.stdout.write(`Anomalies: ${d.anomalies} of ${d.points} days over ${d.series} series.\n`);
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
}

const run = defineCommand({
  name: 'run',
  summary: 'Evaluate every rule: open, escalate and resolve alerts, notify the subscriptions (writes).',
  details: [
    'Evaluates every rule as of the business clock (retailos status shows it; --as-of an earlier time), opens,',
    'escalates and resolves alerts dated then, and notifies the subscriptions of what opened or escalated (each',
    'condition once until it resolves or escalates).',
  ].join('\n'),
  options: {
    ...CONFIG,
    ...AS_OF,
    detect: { type: 'boolean', description: 'score the operational series first (anomaly detection)' },
    ...JSON_OPTION,
  },
  run: (args, io) =>
    evaluate(io, {
      db: args.values.db,
      asOf: args.values['as-of'],
      json: args.values.json,
      detect: args.values.detect,
      rules: { config: args.values.config ?? DEFAULT_CONFIG_PATH },
    }),
});

const detect = defineCommand({
  name: 'detect',
  summary: 'Score the operational series (anomaly detection) as of the business clock (writes).',
  options: { ...AS_OF, ...JSON_OPTION },
  run: (args, io) =>
    evaluate(io, { db: args.values.db, asOf: args.values['as-of'], json: args.values.json, detect: true }),
});

const anomalies = defineCommand({
  name: 'anomalies',
  summary: 'Anomalies flagged, costliest first (only reads).',
  options: {
    since: { type: 'date', valueName: 'DAY', description: 'only days from this one (YYYY-MM-DD)' },
    ...TABLE_LIMIT,
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { since, format, limit } = args.values;
    return withWarehouse({ db: args.values.db, readOnly: true }, io, async (w) => {
      const found = await loadAnomalies(w, since);
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
      const { rows, more } = await anomalyTable(w, found, limit);
      io.stdout.write(formatRows([...ANOMALY_COLUMNS], rows, format));
      if (more > 0) io.stdout.write(`… ${more} more (--limit N, --since DAY, or --format json for all).\n`);
      return 0;
    });
  },
});

const SUBSCRIBE_OPTIONS = {
  name: { type: 'string', valueName: 'NAME', description: 'a name for the subscription' },
  webhook: { type: 'string', valueName: 'URL', description: 'POST signed JSON here' },
  secret: { type: 'string', valueName: 'S', description: 'HMAC-SHA256 secret (16+ characters)' },
  email: { type: 'list', valueName: 'ADDR', description: 'e-mail recipients, comma-separated' },
  roles: { type: 'list', valueName: 'R,..', description: 'only alerts for these roles' },
  rules: { type: 'list', valueName: 'ID,..', description: 'only these rules' },
  'min-severity': { type: 'enum', choices: SEVERITIES, valueName: 'S', description: SEVERITIES.join(', ') },
  nodes: { type: 'list', valueName: 'N,..', description: 'only alerts about these nodes' },
  channels: { type: 'list', valueName: 'C,..', description: 'only alerts about these channels' },
  digest: { type: 'boolean', description: 'collect alerts into the daily digest' },
  quiet: { type: 'string', valueName: 'HH:MM-HH:MM', description: 'quiet hours (UTC; critical still sent)' },
  throttle: { type: 'string', valueName: 'MAX/MIN', description: 'at most MAX messages per MIN minutes' },
} as const;

/** An empty list is no filter. */
const nonEmpty = (words: string[] | undefined) =>
  words === undefined || words.length === 0 ? undefined : words;

function subscriptionFromFlags(v: Args<typeof SUBSCRIBE_OPTIONS>['values']): unknown {
  const email = nonEmpty(v.email);
  if ((v.webhook === undefined) === (email === undefined)) {
    throw new UserError('Give either --webhook URL --secret S, or --email ADDR.');
  }
  const quietMatch = v.quiet ? /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(v.quiet) : null;
  if (v.quiet && !quietMatch) throw new UserError('--quiet takes HH:MM-HH:MM (UTC), e.g. 22:00-07:00');
  const throttleMatch = v.throttle ? /^(\d+)\/(\d+)$/.exec(v.throttle) : null;
  if (v.throttle && !throttleMatch) throw new UserError('--throttle takes MAX/MINUTES, e.g. 10/60');
  return {
    name: v.name,
    filter: {
      roles: nonEmpty(v.roles),
      rules: nonEmpty(v.rules),
      min_severity: v['min-severity'],
      nodes: nonEmpty(v.nodes),
      channels: nonEmpty(v.channels),
    },
    channel: v.webhook ? 'webhook' : 'email',
    webhook: v.webhook ? { url: v.webhook, secret: v.secret } : undefined,
    email: email ? { to: email } : undefined,
    mode: v.digest ? 'digest' : 'immediate',
    quiet_hours: quietMatch ? { start: quietMatch[1], end: quietMatch[2] } : undefined,
    throttle: throttleMatch
      ? { max: Number(throttleMatch[1]), window_minutes: Number(throttleMatch[2]) }
      : undefined,
  };
}

const subscribe = defineCommand({
  name: 'subscribe',
  summary: 'Subscribe a webhook or e-mail recipients to alerts (writes).',
  details: 'E-mail goes through $RETAILOS_SMTP_URL (smtp://host:port) from $RETAILOS_MAIL_FROM.',
  usage: [
    'retailos alerts subscribe --name NAME (--webhook URL --secret S | --email ADDR[,ADDR]) [--roles R,..]',
    '                                 [--rules ID,..] [--min-severity S] [--nodes N,..] [--channels C,..] [--digest]',
    '                                 [--quiet HH:MM-HH:MM] [--throttle MAX/MINUTES]',
  ].join('\n'),
  options: SUBSCRIBE_OPTIONS,
  async run(args, io) {
    return withWarehouse({ db: args.values.db }, io, async (w) => {
      const spec = parseSubscription(subscriptionFromFlags(args.values));
      const created = await createSubscription(w, spec, io.env.USER ?? null, wallClock.now());
      io.stdout.write(`Subscribed: ${created.subscription_id} (${spec.channel}, ${spec.mode}).\n`);
      return 0;
    });
  },
});

const subscriptions = defineCommand({
  name: 'subscriptions',
  summary: 'The subscriptions (only reads).',
  options: { ...FORMAT_OPTION },
  async run(args, io) {
    return withWarehouse({ db: args.values.db, readOnly: true }, io, async (w) => {
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
          args.values.format,
        ),
      );
      return 0;
    });
  },
});

const subscriptionId = (verb: string) => ({
  name: 'ID',
  required: true,
  missing: `alerts ${verb} needs a subscription id (see: retailos alerts subscriptions)`,
});

const unsubscribe = defineCommand({
  name: 'unsubscribe',
  summary: 'Delete a subscription.',
  options: {},
  arguments: [subscriptionId('unsubscribe')],
  async run(args, io) {
    const id = args.positionals[0]!;
    return withWarehouse({ db: args.values.db }, io, async (w) => {
      if (!(await deleteSubscription(w, id))) throw new UserError(`No subscription ${id}.`, 'not_found');
      io.stdout.write(`Unsubscribed ${id}.\n`);
      return 0;
    });
  },
});

const test = defineCommand({
  name: 'test',
  summary: 'Send a test message to a subscription.',
  options: {},
  arguments: [subscriptionId('test')],
  async run(args, io) {
    const id = args.positionals[0]!;
    return withWarehouse({ db: args.values.db }, io, async (w) => {
      const found = (await listSubscriptions(w)).find((s) => s.subscription_id === id);
      if (!found) throw new UserError(`No subscription ${id}.`, 'not_found');
      const ok = await sendTest(found, { warehouse: w, clock: wallClock, smtp: smtpFromEnv(io.env) });
      io.stdout.write(
        ok
          ? `Test message delivered to ${id}.\n`
          : `Test message to ${id} failed: it is kept as a dead letter (retailos sql "SELECT * FROM alert_dead_letters").\n`,
      );
      return ok ? 0 : 1;
    });
  },
});

export const alertsCommand = defineGroup({
  name: 'alerts',
  summary:
    'Operational alerts: list, rules, run the rules, anomaly detection, subscriptions, test deliveries.',
  details: [
    `Rules come from ${DEFAULT_CONFIG_PATH.replace(`${process.cwd()}/`, '')} (--config): low stock, delayed inbound,`,
    'inventory mismatch, fulfilment backlog, allocation failures and anomaly scores; see docs/alerts.md.',
    '`run` evaluates every rule as of the business clock and notifies the subscriptions. list, rules and',
    'subscriptions only read. Without a subcommand: list.',
  ].join('\n'),
  subcommands: [list, rules, run, detect, anomalies, subscribe, subscriptions, unsubscribe, test],
  default: 'list',
});
