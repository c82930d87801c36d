import fs from 'node:fs';
import { parseTime } from '../../clock/time.ts';
import { refreshLedger } from '../../ledger/refresh.ts';
import { workflowApprovals } from '../../replenishment/approvals.ts';
import { compareRules, loadWideSales } from '../../replenishment/compare.ts';
import { loadWarehouseDemand } from '../../replenishment/demand-history.ts';
import {
  curveRows,
  EXPLAIN_COLUMNS,
  EXPLAIN_LEGEND,
  explainRows,
  summaryHead,
} from '../../replenishment/explain.ts';
import { exposure, planReplenishment, supplierPerformance } from '../../replenishment/service.ts';
import type { SimSeries } from '../../replenishment/simulate.ts';
import {
  getRecommendation,
  listRecommendations,
  STATUSES,
  type StoredRecommendation,
} from '../../replenishment/store.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';
import {
  formatDate,
  formatDays,
  formatDaysSpread,
  formatDecimal,
  formatMoney,
  formatPercent,
  formatPerDay,
  formatRows,
  formatTable,
  formatUnits,
  MISSING,
  type OutputFormat,
} from '../format.ts';
import { outputFormat } from './positions.ts';

const LIST_COLUMNS = [
  'recommendation_id',
  'kind',
  'status',
  'from',
  'node_id',
  'skus',
  'qty',
  'cost',
  'expected_arrival',
];

const VERBS = ['plan', 'list', 'explain', 'approve', 'reject', 'suppliers', 'exposure', 'simulate'] as const;

/** A time flag, by the one parser (src/clock/time.ts: strict ISO-8601, no offset = UTC). */
function timeFlag(value: unknown, flag: string): Date | undefined {
  return value === undefined ? undefined : parseTime(String(value), flag);
}

function readConfig(file: unknown): unknown {
  if (file === undefined) return {};
  let text: string;
  try {
    text = fs.readFileSync(String(file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `No policy config ${String(file)}: the file does not exist.`
        : `Cannot read the policy config ${String(file)} (${code ?? 'unreadable'}).`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`The policy config ${String(file)} is not valid JSON: ${(error as Error).message}.`);
  }
}

export const replenishCommand: Command = {
  name: 'replenish',
  summary: 'Replenishment: plan purchase orders and transfers, decide them, supplier performance, exposure.',
  usage: `retailos replenish <${VERBS.join('|')}> [ID] [options]`,
  details: [
    'plan        refresh the ledger, set levels per sku × node and propose POs (per supplier × node) and transfers',
    '            (--config policy.json: service levels by ABC/XYZ, review period, … see docs/replenishment.md)',
    'list        recommendations (--status proposed|approved|ordered|rejected|superseded, --node, --supplier)',
    'explain ID  one recommendation: a short summary and a table of its lines (most urgent first); --sku SKU',
    '            adds why for that line and its projected stock per day without / with it',
    'approve ID  approve through the approval workflow (--actor, --role, --reason): approval issues the PO / transfer',
    'reject ID   decline it (--reason)',
    'suppliers   lead time distribution, on-time and fill rate, ETA slippage, trend (--by-node, --supplier)',
    'exposure    late or slipped POs: nodes, channels and open orders exposed, stockout dates, revenue at risk',
    'simulate    replay daily demand (--sales: an M5-style wide CSV, d_1… columns; --prices optional; or --from-db:',
    "            the warehouse's own POS + shipped units per sku × node) through the policy and a static reorder",
    '            level, each tuned to --target fill',
  ].join('\n'),
  options: {
    'as-of': {
      type: 'string',
      valueName: 'TIME',
      description: 'plan / exposure as of this business time (default: latest event)',
    },
    config: { type: 'string', valueName: 'FILE', description: 'policy config (JSON) for plan' },
    status: { type: 'string', valueName: 'STATUS', description: 'list: only this status' },
    node: { type: 'string', valueName: 'NODE', description: 'list: only this node' },
    sku: {
      type: 'string',
      valueName: 'SKU',
      description: 'explain: one line in full, with its projected stock',
    },
    supplier: { type: 'string', valueName: 'ID', description: 'list / suppliers: only this supplier' },
    'by-node': { type: 'boolean', description: 'suppliers: add supplier × node rows' },
    all: { type: 'boolean', description: 'exposure: also the late POs that expose nothing' },
    actor: {
      type: 'string',
      valueName: 'NAME',
      description: 'approve / reject: who decides (default $USER)',
    },
    role: {
      type: 'string',
      valueName: 'ROLE',
      description: "approve / reject: the decider's role for the approval policy (default planner)",
    },
    reason: { type: 'string', valueName: 'TEXT', description: 'approve / reject: why' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
    sales: { type: 'string', valueName: 'FILE', description: 'simulate: daily demand, M5 wide CSV' },
    'from-db': {
      type: 'boolean',
      description: "simulate: replay the warehouse's own demand (POS + shipped, per sku × node)",
    },
    prices: {
      type: 'string',
      valueName: 'FILE',
      description: 'simulate: M5 sell_prices CSV (inventory value)',
    },
    days: { type: 'string', valueName: 'N', description: 'simulate: days replayed (default 180)' },
    'lead-mean': {
      type: 'string',
      valueName: 'DAYS',
      description: 'simulate: supplier lead time mean (default 7)',
    },
    'lead-std': { type: 'string', valueName: 'DAYS', description: 'simulate: lead time std (default 2.5)' },
    target: { type: 'string', valueName: 'FILL', description: 'simulate: target fill rate (default 0.95)' },
  },
  async run(args, io) {
    const [verb, id] = args.positionals;
    if (!VERBS.includes(verb as (typeof VERBS)[number])) {
      throw new UserError(`Use one of: retailos replenish ${VERBS.join('|')} (see --help).`);
    }
    const format = outputFormat(args);
    const status = args.values.status as string | undefined;
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw new UserError(`Unknown --status "${status}": use ${STATUSES.join(', ')}.`);
    }
    const needsId = verb === 'explain' || verb === 'approve' || verb === 'reject';
    if (needsId && !id)
      throw new UserError(
        `retailos replenish ${verb} needs a recommendation id (see: retailos replenish list).`,
      );
    if (verb === 'simulate') return simulate(args, io, format);
    const config = verb === 'plan' ? readConfig(args.values.config) : {};
    const warehouse = await Warehouse.open(resolveDbPath(args.values.db as string | undefined, io.env), {
      create: false,
    });
    try {
      const out = (rows: Record<string, unknown>[]) =>
        io.stdout.write(formatRows(rows.length > 0 ? Object.keys(rows[0]!) : [], rows, format));
      switch (verb) {
        case 'plan': {
          io.stderr.write('refreshing the ledger…\n');
          await refreshLedger(warehouse);
          const summary = await planReplenishment(warehouse, {
            asOf: timeFlag(args.values['as-of'], '--as-of'),
            config,
            onProgress: (message) => io.stderr.write(`${message}…\n`),
          });
          io.stdout.write(
            `run ${summary.runId} as of ${summary.asOf.toISOString()}: ${summary.positions} positions (demand: ${summary.demandSource}), ` +
              `${summary.recommendations} recommendations proposed${summary.autoApproved ? `, ${summary.autoApproved} auto-approved` : ''}.\n` +
              'See them with: retailos replenish list --status proposed\n',
          );
          return 0;
        }
        case 'list': {
          const recs = await listRecommendations(warehouse, {
            status: status as (typeof STATUSES)[number] | undefined,
            node_id: args.values.node as string | undefined,
            supplier_id: args.values.supplier as string | undefined,
            limit: 1000,
          });
          const human = format === 'table';
          io.stdout.write(
            formatRows(
              LIST_COLUMNS,
              recs.map((r) => ({
                recommendation_id: r.recommendation_id,
                kind: r.kind,
                status: r.status,
                from: r.supplier_id ?? r.from_node_id,
                node_id: r.node_id,
                skus: r.skus,
                qty: human ? formatUnits(r.qty) : r.qty,
                cost: human ? formatMoney(r.cost) : Math.round(r.cost * 100) / 100,
                expected_arrival: r.expected_arrival,
              })),
              format,
            ),
          );
          if (human && recs.length > 0)
            io.stdout.write('Explain one with: retailos replenish explain RECOMMENDATION_ID\n');
          return 0;
        }
        case 'explain': {
          const rec = await getRecommendation(warehouse, id!);
          if (!rec) throw new UserError(`No recommendation ${id}. List them with: retailos replenish list`);
          if (format === 'json') {
            io.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
            return 0;
          }
          io.stdout.write(explainText(rec, args.values.sku as string | undefined));
          return 0;
        }
        case 'approve':
        case 'reject': {
          const actor = (args.values.actor as string | undefined) ?? io.env.USER ?? 'cli';
          const decision = {
            id: id!,
            actor,
            role: (args.values.role as string | undefined) ?? 'planner',
            reason: args.values.reason as string | undefined,
          };
          const approvals = workflowApprovals();
          const rec =
            verb === 'approve'
              ? await approvals.approve(warehouse, decision)
              : await approvals.reject(warehouse, decision);
          io.stdout.write(
            rec.status === 'proposed'
              ? `${rec.recommendation_id}: approval recorded; the approval policy wants another approver (retailos approvals list)\n`
              : `${rec.recommendation_id}: ${rec.status}${rec.ordered_ref ? ` (${rec.ordered_ref})` : ''}\n`,
          );
          return 0;
        }
        case 'suppliers': {
          const rows = await supplierPerformance(warehouse, {
            supplier_id: args.values.supplier as string | undefined,
            byNode: Boolean(args.values['by-node']),
          });
          // People get the figures that decide (rounded); JSON and CSV every column, every digit.
          if (format === 'table') io.stdout.write(formatTable([...SUPPLIER_COLUMNS], rows.map(supplierRow)));
          else out(rows);
          return 0;
        }
        case 'exposure': {
          const rows = await exposure(warehouse, {
            asOf: timeFlag(args.values['as-of'], '--as-of'),
            exposedOnly: !args.values.all,
          });
          if (format === 'table') io.stdout.write(formatTable([...EXPOSURE_COLUMNS], rows.map(exposureRow)));
          else out(rows);
          return 0;
        }
      }
      return 2;
    } finally {
      await warehouse.close();
    }
  },
};

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const share = (value: unknown) => formatPercent(num(value));
const days = (value: unknown) => formatDays(num(value));

const SUPPLIER_COLUMNS = [
  'supplier',
  'node',
  'POs',
  'open',
  'lead time',
  'p90',
  'on time',
  'fill',
  'slipped',
  'trend',
  'last PO',
] as const;

/** One row of `replenish suppliers` for people. */
function supplierRow(r: Record<string, unknown>): Record<string, string> {
  const trend = num(r.lead_time_trend_days);
  return {
    supplier: [r.supplier_id, r.supplier_name].filter(Boolean).join(' '),
    node: (r.node_id as string | null) ?? '',
    POs: formatUnits(num(r.pos)),
    open: formatUnits(num(r.pos_open)),
    'lead time':
      num(r.lead_time_mean) === null
        ? `${days(r.nominal_lead_time_days)} (nominal)`
        : formatDaysSpread(num(r.lead_time_mean)!, num(r.lead_time_std) ?? 0),
    p90: days(r.lead_time_p90),
    'on time': share(r.on_time_rate),
    fill: share(r.fill_rate),
    slipped: share(r.slipped_rate),
    trend: trend === null ? '' : `${trend > 0 ? '+' : ''}${formatDecimal(trend, 1)} d`,
    'last PO': formatDate(r.last_po_at as Date | string | null),
  };
}

const EXPOSURE_COLUMNS = [
  'po_id',
  'sku',
  'node',
  'reason',
  'expected',
  'arrival',
  'open',
  'available',
  'demand',
  'runs out',
  'days short',
  'at risk',
  'orders',
  'channels',
] as const;

/** One row of `replenish exposure` for people. */
function exposureRow(r: Record<string, unknown>): Record<string, string> {
  const list = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.map(String);
    if (typeof value === 'string' && value.startsWith('[')) return JSON.parse(value) as string[];
    return [];
  };
  return {
    po_id: String(r.po_id),
    sku: String(r.sku),
    node: String(r.node_id),
    reason: `${r.reason}${num(r.slip_days) ? ` ${formatUnits(num(r.slip_days))} d` : ''}`,
    expected: formatDate(r.expected_at as string | null),
    arrival: formatDate(r.arrival as string | null),
    open: formatUnits(num(r.open_qty)),
    available: formatUnits(num(r.available)),
    demand: formatPerDay(num(r.daily_demand)),
    'runs out': r.stockout_date ? formatDate(r.stockout_date as string) : MISSING,
    'days short': formatUnits(num(r.days_short)),
    'at risk': formatMoney(num(r.revenue_at_risk)),
    orders: formatUnits(list(r.open_orders).length),
    channels: list(r.channels).join(', '),
  };
}

const KIND_TEXT = { purchase_order: 'purchase order', transfer: 'transfer' } as const;

/** `replenish explain` for people: the summary, one row per line, and with --sku that line in full. */
function explainText(rec: StoredRecommendation, sku: string | undefined): string {
  const out = [
    `${rec.recommendation_id} · ${KIND_TEXT[rec.kind]} · ${rec.status}${rec.ordered_ref ? ` (${rec.ordered_ref})` : ''}`,
    summaryHead(rec),
    '',
  ];
  if (sku === undefined) {
    out.push(formatTable([...EXPLAIN_COLUMNS], explainRows(rec)).trimEnd(), EXPLAIN_LEGEND);
    out.push(
      `One line in full, with its projected stock: retailos replenish explain ${rec.recommendation_id} --sku SKU`,
    );
    return `${out.join('\n')}\n`;
  }
  const line = rec.lines.find((candidate) => candidate.sku === sku);
  if (!line) {
    throw new UserError(
      `Recommendation ${rec.recommendation_id} has no line for ${sku}; its SKUs: ${rec.lines
        .slice(0, 10)
        .map((l) => l.sku)
        .join(', ')}${rec.lines.length > 10 ? `, … (${rec.lines.length} in all)` : ''}.`,
    );
  }
  out.push(line.why, '', `${line.sku}: projected stock at ${rec.node_id} (units)`);
  out.push(formatTable(['day', 'without', 'with'], curveRows(line)).trimEnd());
  return `${out.join('\n')}\n`;
}

function positive(value: unknown, flag: string, fallback: number, max = Number.POSITIVE_INFINITY): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0 && n <= max))
    throw new UserError(
      `${flag} must be a number above 0${max < Number.POSITIVE_INFINITY ? ` and at most ${max}` : ''}.`,
    );
  return n;
}

/** `replenish simulate`: the benchmark's comparison on any daily demand file. */
async function simulate(args: ParsedArgs, io: CommandIo, format: OutputFormat): Promise<number> {
  const sales = args.values.sales as string | undefined;
  const fromDb = args.values['from-db'] === true;
  if (!sales && !fromDb) {
    throw new UserError(
      'retailos replenish simulate needs --sales FILE (an M5-style wide CSV) or --from-db (the warehouse).',
    );
  }
  if (sales && !fs.existsSync(sales)) throw new UserError(`No file ${sales}.`);
  const prices = args.values.prices as string | undefined;
  if (prices && !fs.existsSync(prices)) throw new UserError(`No file ${prices}.`);
  let series: SimSeries[];
  if (fromDb) {
    const warehouse = await Warehouse.open(resolveDbPath(args.values.db as string | undefined, io.env), {
      create: false,
    });
    try {
      series = await loadWarehouseDemand(warehouse);
    } finally {
      await warehouse.close();
    }
  } else {
    series = loadWideSales(sales!, prices);
  }
  const target = positive(args.values.target, '--target', 0.95, 0.9999);
  let result: ReturnType<typeof compareRules>;
  try {
    result = compareRules(
      series,
      {
        replayDays: Math.round(positive(args.values.days, '--days', 180)),
        leadMean: positive(args.values['lead-mean'], '--lead-mean', 7),
        leadStd: positive(args.values['lead-std'], '--lead-std', 2.5),
        targets: [target],
      },
      (message) => io.stderr.write(`${message}…\n`),
    );
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const c = result.comparisons[0]!;
  const row = (
    rule: string,
    r: {
      fill: number;
      avgInventoryValue: number;
      avgInventoryUnits: number;
      stockoutDays: number;
      orders: number;
    },
    param: string,
  ) => ({
    rule,
    parameter: param,
    fill_rate: Math.round(r.fill * 10000) / 10000,
    avg_inventory_value: Math.round(r.avgInventoryValue * 100) / 100,
    avg_inventory_units: Math.round(r.avgInventoryUnits),
    stockout_days: r.stockoutDays,
    orders: r.orders,
  });
  const rows = [
    row('static reorder level', c.static, `min qty ${c.static.min_qty_days.toFixed(2)} days`),
    row('retailos policy', c.policy, `service level ${c.policy.service_level.toFixed(4)}`),
    row('retailos policy, ABC/XYZ defaults', result.policyDefault, 'default config'),
  ];
  io.stdout.write(formatRows(Object.keys(rows[0]!), rows, format));
  if (format === 'table') {
    io.stdout.write(
      `${result.series} series, ${c.static.fill >= target ? '' : 'static did not reach the target; '}` +
        `inventory ${(c.inventory_value_reduction * 100).toFixed(1)}% below the static rule at ${(target * 100).toFixed(1)}% fill.\n`,
    );
  }
  return 0;
}
