import fs from 'node:fs';
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
import { UserError } from '../../warehouse/errors.ts';
import { type Args, type CommandIo, defineCommand, defineGroup, type OptionSpecs } from '../command.ts';
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
import { withWarehouse } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

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

/** Reads the policy config of `plan` (JSON), with a message that says what is wrong with it. */
function readConfig(file: string | undefined): unknown {
  if (file === undefined) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `No policy config ${file}: the file does not exist.`
        : `Cannot read the policy config ${file} (${code ?? 'unreadable'}).`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`The policy config ${file} is not valid JSON: ${(error as Error).message}.`);
  }
}

const AS_OF = {
  'as-of': {
    type: 'time',
    valueName: 'TIME',
    description: 'as of this business time (default: latest event)',
  },
} as const;

/** The recommendation a verb acts on: its id, as `replenish list` prints it. */
const recommendation = (verb: string) =>
  [
    {
      name: 'ID',
      required: true,
      missing: `retailos replenish ${verb} needs a recommendation id (see: retailos replenish list).`,
    },
  ] as const;

/** Rows as a table, JSON or CSV, with the columns of the first row. */
function writeRows(io: CommandIo, rows: Record<string, unknown>[], format: OutputFormat): void {
  io.stdout.write(formatRows(rows.length > 0 ? Object.keys(rows[0]!) : [], rows, format));
}

const plan = defineCommand({
  name: 'plan',
  summary: 'Refresh the ledger, set levels per sku × node and propose POs and transfers.',
  details:
    'POs per supplier × node. --config policy.json: service levels by ABC/XYZ, review period, … (see docs/replenishment.md).',
  options: {
    ...AS_OF,
    config: { type: 'string', valueName: 'FILE', description: 'policy config (JSON)' },
  },
  async run(args, io) {
    const config = readConfig(args.values.config);
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      io.stderr.write('refreshing the ledger…\n');
      await refreshLedger(warehouse);
      const summary = await planReplenishment(warehouse, {
        asOf: args.values['as-of'],
        config,
        onProgress: (message) => io.stderr.write(`${message}…\n`),
      });
      io.stdout.write(
        `run ${summary.runId} as of ${summary.asOf.toISOString()}: ${summary.positions} positions (demand: ${summary.demandSource}), ` +
          `${summary.recommendations} recommendations proposed${summary.autoApproved ? `, ${summary.autoApproved} auto-approved` : ''}.\n` +
          'See them with: retailos replenish list --status proposed\n',
      );
      return 0;
    });
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'Recommendations, with their kind, status, quantity and cost.',
  options: {
    status: {
      type: 'enum',
      choices: STATUSES,
      valueName: 'STATUS',
      description: `only this status: ${STATUSES.join('|')}`,
    },
    node: { type: 'string', valueName: 'NODE', description: 'only this node' },
    supplier: { type: 'string', valueName: 'ID', description: 'only this supplier' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { format } = args.values;
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      const recs = await listRecommendations(warehouse, {
        status: args.values.status,
        node_id: args.values.node,
        supplier_id: args.values.supplier,
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
    });
  },
});

const explain = defineCommand({
  name: 'explain',
  summary: 'One recommendation: a short summary and a table of its lines (most urgent first).',
  details: '--sku SKU adds why for that line and its projected stock per day without / with it.',
  options: {
    sku: { type: 'string', valueName: 'SKU', description: 'one line in full, with its projected stock' },
    ...FORMAT_OPTION,
  },
  arguments: recommendation('explain'),
  async run(args, io) {
    const id = args.positionals[0]!;
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      const rec = await getRecommendation(warehouse, id);
      if (!rec) throw new UserError(`No recommendation ${id}. List them with: retailos replenish list`);
      if (args.values.format === 'json') io.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
      else io.stdout.write(explainText(rec, args.values.sku));
      return 0;
    });
  },
});

const DECIDER = {
  actor: { type: 'string', valueName: 'NAME', description: 'who decides (default $USER)' },
  role: {
    type: 'string',
    valueName: 'ROLE',
    default: 'planner',
    description: "the decider's role for the approval policy (default planner)",
  },
  reason: { type: 'string', valueName: 'TEXT', description: 'why' },
} as const;

function decide(verb: 'approve' | 'reject', summary: string) {
  return defineCommand({
    name: verb,
    summary,
    options: DECIDER,
    arguments: recommendation(verb),
    async run(args, io) {
      const decision = {
        id: args.positionals[0]!,
        actor: args.values.actor ?? io.env.USER ?? 'cli',
        role: args.values.role,
        reason: args.values.reason,
      };
      return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
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
      });
    },
  });
}

const suppliers = defineCommand({
  name: 'suppliers',
  summary: 'Supplier performance: lead time distribution, on-time and fill rate, ETA slippage, trend.',
  options: {
    supplier: { type: 'string', valueName: 'ID', description: 'only this supplier' },
    'by-node': { type: 'boolean', description: 'add supplier × node rows' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      const rows = await supplierPerformance(warehouse, {
        supplier_id: args.values.supplier,
        byNode: args.values['by-node'],
      });
      // People get the figures that decide (rounded); JSON and CSV every column, every digit.
      if (args.values.format === 'table')
        io.stdout.write(formatTable([...SUPPLIER_COLUMNS], rows.map(supplierRow)));
      else writeRows(io, rows, args.values.format);
      return 0;
    });
  },
});

const exposureCommand = defineCommand({
  name: 'exposure',
  summary: 'Late or slipped POs: nodes, channels and open orders exposed, stockout dates, revenue at risk.',
  options: {
    ...AS_OF,
    all: { type: 'boolean', description: 'also the late POs that expose nothing' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    return withWarehouse({ db: args.values.db }, io, async (warehouse) => {
      const rows = await exposure(warehouse, { asOf: args.values['as-of'], exposedOnly: !args.values.all });
      if (args.values.format === 'table')
        io.stdout.write(formatTable([...EXPOSURE_COLUMNS], rows.map(exposureRow)));
      else writeRows(io, rows, args.values.format);
      return 0;
    });
  },
});

const POSITIVE = { type: 'number', min: 0, minExclusive: true } as const;

const SIMULATE_OPTIONS = {
  sales: { type: 'string', valueName: 'FILE', description: 'daily demand, M5 wide CSV' },
  'from-db': {
    type: 'boolean',
    description: "replay the warehouse's own demand (POS + shipped, per sku × node)",
  },
  prices: { type: 'string', valueName: 'FILE', description: 'M5 sell_prices CSV (inventory value)' },
  days: { type: 'int', min: 1, default: 180, valueName: 'N', description: 'days replayed (default 180)' },
  'lead-mean': {
    ...POSITIVE,
    default: 7,
    valueName: 'DAYS',
    description: 'supplier lead time mean (default 7)',
  },
  'lead-std': { ...POSITIVE, default: 2.5, valueName: 'DAYS', description: 'lead time std (default 2.5)' },
  target: {
    ...POSITIVE,
    max: 0.9999,
    default: 0.95,
    expects: 'a fill rate above 0 and at most 0.9999',
    valueName: 'FILL',
    description: 'target fill rate (default 0.95)',
  },
  ...FORMAT_OPTION,
} as const satisfies OptionSpecs;

const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'Replay daily demand through the policy and a static reorder level, each tuned to --target fill.',
  details: [
    "--sales: an M5-style wide CSV (d_1… columns; --prices optional); or --from-db: the warehouse's own POS +",
    'shipped units per sku × node.',
  ].join('\n'),
  options: SIMULATE_OPTIONS,
  run: (args, io) => simulate(args, io),
});

export const replenishCommand = defineGroup({
  name: 'replenish',
  summary: 'Replenishment: plan purchase orders and transfers, decide them, supplier performance, exposure.',
  subcommands: [
    plan,
    list,
    explain,
    decide('approve', 'Approve through the approval workflow: approval issues the PO / transfer.'),
    decide('reject', 'Decline a recommendation.'),
    suppliers,
    exposureCommand,
    simulateCommand,
  ],
});

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

/** `replenish simulate`: the benchmark's comparison on any daily demand file. */
async function simulate(args: Args<typeof SIMULATE_OPTIONS>, io: CommandIo): Promise<number> {
  const { sales, prices, target, format } = args.values;
  if (!sales && !args.values['from-db']) {
    throw new UserError(
      'retailos replenish simulate needs --sales FILE (an M5-style wide CSV) or --from-db (the warehouse).',
    );
  }
  if (sales && !fs.existsSync(sales)) throw new UserError(`No file ${sales}.`);
  if (prices && !fs.existsSync(prices)) throw new UserError(`No file ${prices}.`);
  const series: SimSeries[] = args.values['from-db']
    ? await withWarehouse({ db: args.values.db }, io, loadWarehouseDemand)
    : loadWideSales(sales!, prices);
  let result: ReturnType<typeof compareRules>;
  try {
    result = compareRules(
      series,
      {
        replayDays: args.values.days,
        leadMean: args.values['lead-mean'],
        leadStd: args.values['lead-std'],
        targets: [target],
      },
      (message) =>
        io.stderr.write(`${message}…
`),
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
