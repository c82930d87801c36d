/**
 * The simulator's orchestrator: builds the retailer, runs it day by day and streams each day's events out
 * (sorted by time, stamped `sim-<seed>-<n>` and ISO timestamps, faults injected), then writes
 * `manifest.json`. Memory is bounded by the state of the retailer and one day of events, whatever the
 * number of days. Output goes to a scratch directory renamed into place at the end, so a reader never sees
 * half a simulation. Same options and seed: byte-identical files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Event, EventType, PosSaleEvent } from '../contracts/index.ts';
import { UserError } from '../warehouse/errors.ts';
import { Calendar, formatDate } from './calendar.ts';
import { Catalog } from './catalog.ts';
import { Demand } from './demand.ts';
import { DayBuffer, jsonBody, jsonLine, timestampOf } from './emitter.ts';
import { type FaultCounts, FaultInjector, SLOT, UNKNOWN_SKUS } from './faults.ts';
import { Fulfilment } from './fulfilment.ts';
import { InventoryControl } from './inventory.ts';
import {
  CATEGORIES,
  type ParsedSimOptions,
  type ResolvedOptions,
  resolveOptions,
  SCALES,
  type SimOptions,
  simOptionsSchema,
} from './params.ts';
import { Pricing } from './pricing.ts';
import { Procurement } from './procurement.ts';
import { Replenishment } from './replenishment.ts';
import { Returns } from './returns.ts';
import { Rng } from './rng.ts';
import { StoreSales } from './sales.ts';
import { createScenario, type ScenarioRecord } from './scenarios.ts';
import { Stock } from './stock.ts';
import { TruthRecorder } from './truth.ts';
import { emptyStats, Ids, type Stats, type World } from './world.ts';
import { createWriter, JsonlWriter, type OutputFile } from './writers.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 2;

export interface Manifest {
  generator: 'retailos simulate';
  version: number;
  options: ResolvedOptions & { end: string };
  retailer: {
    description: string;
    stores: number;
    distributionCentres: number;
    returnsCentres: number;
    channels: string[];
    suppliers: { id: string; leadTimeDays: number; onTimeRate: number; items: number }[];
    items: number;
    itemsByCategory: Record<string, number>;
    /** Store × item pairs carried (the store sales series). */
    series: number;
    regions: string[];
    dcShipCapacity: number;
    allocationPolicy: string;
  };
  /** Valid events written, by type (duplicates and malformed rows not included). */
  events: { total: number; byType: Record<string, number>; perDay: number };
  /** Lines (JSONL) or data rows written, duplicates and malformed rows included. */
  rows: number;
  faults: FaultCounts & { unknownSkus: string[] };
  scenarios: ScenarioRecord[];
  stats: Omit<Stats, 'dcBacklogByDay'> & { dcBacklogByDay: number[] };
  files: OutputFile[];
  /** The ground truth beside the events (`truth/`, src/sim/truth.ts): not events, never ingested. */
  truth: OutputFile[];
}

/** An event held back by the fault injector: its JSON line or its (stamped) object. */
interface Held {
  type: EventType;
  data: string | Event;
}

export interface SimulationResult {
  manifest: Manifest;
  outDir: string;
  seconds: number;
  eventsPerSecond: number;
}

export interface SimulateHooks {
  /** After each simulated day: days done, total days, valid events written so far. */
  onDay?: (done: number, days: number, events: number) => void;
  /** Write the ground truth beside the events (default true; the events are the same either way). */
  recordTruth?: boolean;
}

/** Validates raw options, filling defaults (a `UserError` naming the bad option when they are wrong). */
export function parseSimOptions(raw: unknown): ParsedSimOptions {
  const parsed = simOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UserError(`invalid option ${issue.path.join('.') || '(options)'}: ${issue.message}`);
}

/** Runs a simulation into `outDir` (replacing a previous simulation there). */
export async function simulate(
  rawOptions: SimOptions,
  outDir: string,
  hooks: SimulateHooks = {},
): Promise<SimulationResult> {
  const started = performance.now();
  const options = resolveOptions(parseSimOptions(rawOptions));
  const target = path.resolve(outDir);
  checkTarget(target);
  const scratch = `${target}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  try {
    const manifest = await run(options, scratch, hooks);
    fs.writeFileSync(path.join(scratch, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(scratch, target);
    const seconds = (performance.now() - started) / 1000;
    return { manifest, outDir: target, seconds, eventsPerSecond: manifest.events.total / seconds };
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** The output directory must be new, empty, or a previous simulation (it has a manifest). */
function checkTarget(target: string): void {
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory())
    throw new UserError(`--out ${target} exists and is not a directory`);
  const entries = fs.readdirSync(target);
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new UserError(
      `--out ${target} is not empty and holds no simulation (no ${MANIFEST_FILE}): choose another directory`,
    );
  }
}

/** The manifest of a simulation directory, or undefined when there is none. */
export function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** True when `dir` holds a simulation made with these options (so it can be reused as is). */
export function isSimulationOf(dir: string, options: SimOptions): boolean {
  const manifest = readManifest(dir);
  if (!manifest || manifest.version !== MANIFEST_VERSION) return false;
  const wanted = resolveOptions(parseSimOptions(options));
  const { end: _end, ...recorded } = manifest.options;
  return JSON.stringify(recorded) === JSON.stringify(wanted);
}

function buildWorld(options: ResolvedOptions): World {
  const serialize = options.format === 'jsonl';
  const params = SCALES[options.scale];
  const calendar = new Calendar(options.start, options.days);
  const catalog = new Catalog(params, options.seed, options.days);
  const stock = new Stock(catalog.nodes.length, catalog.items.length);
  const pricing = new Pricing(catalog, calendar, params, options.seed);
  return {
    seed: options.seed,
    options,
    params,
    calendar,
    catalog,
    stock,
    pricing,
    out: new DayBuffer(serialize),
    ids: new Ids(),
    stats: emptyStats(),
    effects: {
      demandBoost: new Float64Array(catalog.items.length).fill(1),
      returnBoost: new Float64Array(CATEGORIES.length).fill(1),
      storeReturnBoost: new Float64Array(CATEGORIES.length).fill(1),
      dcCapacity: 1,
      supplierDelay: new Int32Array(catalog.suppliers.length),
    },
    day: 0,
  };
}

function resetEffects(world: World): void {
  world.effects.demandBoost.fill(1);
  world.effects.returnBoost.fill(1);
  world.effects.storeReturnBoost.fill(1);
  world.effects.dcCapacity = 1;
  world.effects.supplierDelay.fill(0);
}

async function run(options: ResolvedOptions, dir: string, hooks: SimulateHooks): Promise<Manifest> {
  const world = buildWorld(options);
  const { catalog, calendar, seed } = world;
  const days = options.days;

  // the DC's capacity follows expected online demand (the catalogue rate; prices and promotions add ~10%)
  let onlineUnits = 0;
  for (const item of catalog.items) onlineUnits += catalog.onlineRate(item) * 1.1;
  catalog.setDcCapacity(onlineUnits);

  const demand = new Demand(world);
  const returns = new Returns(world);
  const inventory = new InventoryControl(world, Rng.derive(seed, 'counts'));
  const procurement = new Procurement(world, inventory);
  const fulfilment = new Fulfilment(world, demand, returns, Rng.derive(seed, 'labour'));
  const sales = new StoreSales(world, demand, returns, inventory);
  const replenishment = new Replenishment(world, demand, procurement, inventory);
  const scenarios = options.scenarios.map(createScenario);
  for (const scenario of scenarios)
    scenario.setup(world, Rng.derive(seed, `scenario-setup-${scenario.name}`), procurement);

  const truth = hooks.recordTruth === false ? undefined : new TruthRecorder(world, dir);
  if (truth) world.out.listener = (second, event) => truth.observe(second, event);

  const scratch = path.join(dir, '.csv');
  if (options.format === 'parquet') fs.mkdirSync(scratch, { recursive: true });
  const writer = createWriter(options.format, dir, scratch);
  const jsonl = writer instanceof JsonlWriter ? writer : undefined;
  const faults = new FaultInjector<Held>(options.faults, seed, days, options.format);
  const byType = new Map<string, number>();
  let counter = 0;
  let valid = 0;
  let rows = 0;
  const nextId = () => `sim-${seed}-${++counter}`;
  const count = (type: string) => {
    byType.set(type, (byType.get(type) ?? 0) + 1);
    valid++;
  };

  // opening master data, at the first instant of the run
  writer.section('master');
  const opening = `${options.start}T00:00:00Z`;
  for (const event of catalog.masterEvents()) {
    const id = nextId();
    if (jsonl) {
      jsonl.writeLine(jsonLine(id, event.type, opening, jsonBody(event)));
    } else {
      event.event_id = id;
      event.occurred_at = opening;
      writer.write(event);
    }
    count(event.type);
    rows++;
  }

  const out = world.out;
  for (let day = 0; day < days; day++) {
    world.day = day;
    truth?.startDay(day);
    resetEffects(world);
    for (const scenario of scenarios) {
      scenario.beforeDay(world, day, procurement, Rng.derive(seed, `scenario-${scenario.name}`, day));
    }
    world.pricing.startDay(day, out);
    for (const item of catalog.items)
      if (item.upsertDay === day && day > 0) out.emit(9 * 3600, catalog.itemUpserted(item));
    if (day === 0) replenishment.openingStock(Rng.derive(seed, 'opening'));
    demand.prepare(day, Rng.derive(seed, 'demand-day', day));
    inventory.counts(day);
    procurement.run(day, Rng.derive(seed, 'procurement', day));
    replenishment.arrivals(day, Rng.derive(seed, 'transfers', day));
    returns.run(day, Rng.derive(seed, 'returns', day));
    fulfilment.run(day, Rng.derive(seed, 'orders', day));
    sales.run(day, Rng.derive(seed, 'sales', day));
    inventory.evening(day);
    replenishment.evening(day, Rng.derive(seed, 'replenishment', day));
    truth?.endOfDay(day);

    // write the day: time order, ids (sim-<seed>-<n> in time order), timestamps, faults
    const date = calendar.date(day);
    const order = out.order();
    const n = order.length;
    const types: EventType[] = new Array(n);
    for (let index = 0; index < n; index++) types[index] = out.types[order[index]!]!;
    const base = counter;
    counter += n;
    const idOf = (index: number) => `sim-${seed}-${base + 1 + index}`;
    const atOf = (index: number) => timestampOf(date, out.times[order[index]!]!);
    const lineOf = (index: number) =>
      jsonLine(idOf(index), types[index]!, atOf(index), out.payloads[order[index]!] as string);
    const eventOf = (index: number): Event => {
      if (jsonl) return JSON.parse(lineOf(index)) as Event;
      const event = out.payloads[order[index]!] as Event;
      event.event_id = idOf(index);
      event.occurred_at = atOf(index);
      return event;
    };
    const deliver = (index: number) => {
      if (jsonl) jsonl.writeLine(lineOf(index));
      else writer.write(eventOf(index));
    };
    writer.section(date.slice(0, 7));
    const plan = faults.plan(day, types);
    const { kinds, refs, extra } = plan;
    for (let slot = 0; slot < kinds.length; slot++) {
      const ref = refs[slot]!;
      rows++;
      switch (kinds[slot]) {
        case SLOT.event:
          deliver(ref);
          count(types[ref]!);
          break;
        case SLOT.duplicate:
          if (jsonl) jsonl.writeLine(lineOf(ref));
          else writer.writeDuplicate(eventOf(ref));
          break;
        case SLOT.malformed:
          writer.writeMalformed(eventOf(ref), faults.variants[extra[slot]!]!);
          break;
        case SLOT.hold:
          rows--;
          faults.later(extra[slot]!, { type: types[ref]!, data: jsonl ? lineOf(ref) : eventOf(ref) });
          break;
        case SLOT.late: {
          const held = plan.arriving[ref]!;
          if (typeof held.data === 'string') jsonl!.writeLine(held.data);
          else writer.write(held.data);
          count(held.type);
          break;
        }
        case SLOT.unknownSku: {
          const sale = eventOf(ref) as PosSaleEvent;
          const unknown = plan.unknown[extra[slot]!]!;
          const event: PosSaleEvent = {
            event_id: nextId(),
            type: 'pos_sale',
            occurred_at: sale.occurred_at,
            source: 'pos',
            node_id: sale.node_id,
            sku: unknown.sku,
            qty: unknown.qty,
            unit_price: unknown.unitPrice,
          };
          if (jsonl)
            jsonl.writeLine(jsonLine(event.event_id, event.type, event.occurred_at, jsonBody(event)));
          else writer.write(event);
          count(event.type);
          break;
        }
      }
    }
    out.clear();
    hooks.onDay?.(day + 1, days, valid);
    if (day % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve)); // let signals and output through
  }
  // malformed rows that found no POS sale to break (tiny runs): broken copies of a synthetic sale
  for (let left = faults.leftoverMalformed(); left > 0; left--) {
    const store = catalog.nodes[catalog.stores[0]!]!;
    writer.writeMalformed(
      {
        event_id: nextId(),
        type: 'pos_sale',
        occurred_at: timestampOf(calendar.date(days - 1), 23 * 3600),
        source: 'pos',
        node_id: store.id,
        sku: catalog.items[0]!.sku,
        qty: 1,
        unit_price: catalog.items[0]!.listPrice,
      },
      faults.nextVariant(),
    );
    rows++;
  }
  const files = await writer.close();
  fs.rmSync(scratch, { recursive: true, force: true });
  const scenarioRecords = scenarios.map((scenario) => scenario.record(world));
  const truthFiles =
    truth?.finish({
      scenarios: scenarioRecords,
      dcShortStaffed: fulfilment.shortStaffedDays().map(({ day, crew }) => ({
        day: formatDate(calendar.startEpochDay + day),
        crew,
      })),
    }) ?? [];

  const params = world.params;
  const itemsByCategory: Record<string, number> = {};
  for (const category of CATEGORIES) itemsByCategory[category] = 0;
  for (const item of catalog.items) itemsByCategory[CATEGORIES[item.category]!]!++;
  const sortedTypes = [...byType.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    generator: 'retailos simulate',
    version: MANIFEST_VERSION,
    options: { ...options, end: formatDate(calendar.startEpochDay + days - 1) },
    retailer: {
      description: params.description,
      stores: catalog.stores.length,
      distributionCentres: 1,
      returnsCentres: 1,
      channels: catalog.channels.map((channel) => channel.id),
      suppliers: catalog.suppliers.map((supplier) => ({
        id: supplier.spec.id,
        leadTimeDays: supplier.spec.leadTimeDays,
        onTimeRate: supplier.spec.onTimeRate,
        items: supplier.items.length,
      })),
      items: catalog.items.length,
      itemsByCategory,
      series: catalog.assortment.reduce((sum, list) => sum + list.length, 0),
      regions: catalog.regionIds,
      dcShipCapacity: catalog.nodes[0]!.shipCapacity!,
      allocationPolicy: fulfilment.policy.name,
    },
    events: { total: valid, byType: Object.fromEntries(sortedTypes), perDay: Math.round(valid / days) },
    rows,
    faults: { ...faults.counts, unknownSkus: UNKNOWN_SKUS },
    scenarios: scenarioRecords,
    stats: world.stats,
    files,
    truth: truthFiles,
  };
}
