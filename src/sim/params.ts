/**
 * Every parameter of the simulated retailer, in one place: the calibrated calendar and noise constants, the
 * category model, the three scale presets and the run options. Presets and options are zod-validated, so a
 * typo in a preset fails at start-up and a bad flag becomes a one-line user error.
 *
 * docs/simulator.md describes the model these parameters drive.
 */
import * as z from 'zod';

export const CATEGORIES = ['apparel', 'electronics', 'home', 'health'] as const;
export type Category = (typeof CATEGORIES)[number];

// ---------------------------------------------------------------------------------------------------------
// calibration (derived by src/sim/calibrate.ts from ../shared/data; rounded; see docs/simulator.md)

/**
 * Constants derived by `npx tsx src/sim/calibrate.ts` from the real series in `../shared/data` (the data is
 * read in place, never copied). Re-run it to check them; `test/unit/sim/calibration.test.ts` does.
 */
export const CALIBRATION = {
  /**
   * Day-of-week multipliers, Monday first (mean 1). Favorita transactions, 54 stores 2013–2017: in every
   * complete holiday-free store-week, log(day) − mean log(week), averaged, exponentiated and normalised.
   */
  dayOfWeek: [0.977, 0.957, 0.951, 0.919, 0.971, 1.156, 1.07],
  /**
   * Week-of-year base seasonality (weeks 1..52, mean 1). Walmart weekly sales, 45 stores 2010–2012: log sales
   * less each store's level and linear trend, averaged by week of year, with the holiday weeks and the
   * December peak weeks interpolated out (they are modelled as events below) and a 3-week smoothing.
   */
  weekOfYear: [
    0.946, 0.926, 0.896, 0.932, 0.977, 1.042, 1.024, 1.017, 0.998, 1.005, 0.985, 0.986, 1.008, 1.019, 1.017,
    0.98, 0.992, 0.993, 1.006, 1.002, 1.022, 1.045, 1.052, 1.037, 1.031, 1.039, 1.034, 1.018, 0.984, 0.996,
    1.004, 1.023, 1.015, 1.014, 1.003, 0.982, 0.957, 0.94, 0.958, 0.97, 0.984, 0.972, 0.99, 1.007, 1.012,
    1.013, 1.027, 1.053, 1.066, 1.032, 0.998, 0.965,
  ],
  /**
   * The December peak by day (1..31): Favorita, each store's day ÷ (its weekday-adjusted level of 1–14
   * November), median over stores and the years 2013–2016. Stores are closed on the 25th (0). The week
   * ratios agree with Walmart's December weeks (1.17, 1.28, 1.63 over November) to within ~10%.
   */
  december: [
    1.112, 1.092, 1.075, 1.08, 1.057, 1.068, 1.071, 1.074, 1.054, 1.045, 1.083, 1.057, 1.077, 1.081, 1.164,
    1.189, 1.222, 1.27, 1.302, 1.323, 1.433, 1.657, 1.854, 2.001, 0, 1.248, 1.136, 1.168, 1.24, 1.475, 1.591,
  ],
  /**
   * Holiday-week lifts: Walmart weekly sales of the flagged week ÷ the median of the weeks 2–6 away on both
   * sides, averaged over stores and years (the "Christmas" flag is the week after Christmas: no lift).
   */
  holidayWeekLift: { 'super-bowl': 1.089, 'labor-day': 1.039, thanksgiving: 1.444, christmas: 1.001 },
  /**
   * Holiday days: Favorita national holidays, observed ÷ expected (store-week level × weekday), median over
   * stores. Mapped to the US calendar in calendar.ts (national-day: Independence and Memorial Day).
   */
  holidayDay: {
    'new-year-1': 1.403,
    'good-friday': 0.98,
    'mothers-day-1': 1.142,
    'mothers-day': 1.082,
    'national-day': 1.059,
  },
  /**
   * Day-to-day noise, Favorita: residual log-sd after store-week level and weekday, split into a chain-wide
   * day shock (the mean residual of the day over stores) and a store-day shock (total CV 0.127). The weekly
   * Walmart residual log-sd is 0.07.
   */
  noise: { dayLogSd: 0.039, storeDayLogSd: 0.121 },
  /**
   * Item level, M5 training history (30,490 item × store series, d_1762–d_1941): 58.3% zero days; the mean
   * daily units of a series is lognormal with mu −0.517 and sigma 1.251 (mean 1.33); the median negative
   * binomial shape of series selling ≥ 0.5/day is 2.16; the top 20% of items sell 63% of the units.
   */
  item: { rateLogMean: -0.517, rateLogSd: 1.251, nbShape: 2.16, zeroShare: 0.583, top20Share: 0.631 },
} as const;

// ---------------------------------------------------------------------------------------------------------
// categories (assumptions, documented in docs/simulator.md)

export interface CategoryParams {
  code: string;
  /** List price: lognormal around `priceMedian` with log-sd `priceLogSd`. */
  priceMedian: number;
  priceLogSd: number;
  /** Unit cost as a share of list price. */
  costRatio: number;
  /** Price elasticity: demand ∝ (price / list)^-elasticity. */
  elasticity: number;
  /** Share of the category's demand that comes through online channels (web + marketplaces). */
  onlineShare: number;
  /** Of online demand: web, then each marketplace. */
  channelMix: readonly [number, number, number];
  /** Share of shipped online units returned; store sales return at `storeReturnRate`. */
  returnRate: number;
  storeReturnRate: number;
  packSizes: readonly number[];
  /** How strongly the category follows the calendar (peak, holidays): 1 = the calibrated curve. */
  seasonalAmplitude: number;
  /** Share of items with their own season (spring/summer or fall/winter), and its amplitude. */
  seasonalItemShare: number;
  seasonalItemAmplitude: number;
  /** Promotion discount range. */
  discount: readonly [number, number];
  /** Grades A–D of returned units, and the disposition of each grade. */
  grades: readonly [number, number, number, number];
  dispositions: readonly [string, string, string, string];
  /** Hidden shrink per unit sold (theft, loss) and damage per unit handled. */
  shrinkRate: number;
  damageRate: number;
  brands: readonly string[];
  nouns: readonly string[];
}

export const CATEGORY_PARAMS: Record<Category, CategoryParams> = {
  apparel: {
    code: 'APP',
    priceMedian: 32,
    priceLogSd: 0.5,
    costRatio: 0.42,
    elasticity: 2.5,
    onlineShare: 0.16,
    channelMix: [0.7, 0.2, 0.1],
    returnRate: 0.24,
    storeReturnRate: 0.06,
    packSizes: [6, 6, 12],
    seasonalAmplitude: 1.2,
    seasonalItemShare: 0.6,
    seasonalItemAmplitude: 0.6,
    discount: [0.2, 0.4],
    grades: [0.7, 0.15, 0.1, 0.05],
    dispositions: ['restock', 'liquidate', 'liquidate', 'write_off'],
    shrinkRate: 0.018,
    damageRate: 0.002,
    brands: ['Northwind', 'Fieldstone', 'Coastline', 'Urban Thread', 'Marlow'],
    nouns: [
      'crew tee',
      'oxford shirt',
      'chino',
      'denim jacket',
      'knit sweater',
      'rain jacket',
      'hoodie',
      'dress',
    ],
  },
  electronics: {
    code: 'ELE',
    priceMedian: 85,
    priceLogSd: 0.9,
    costRatio: 0.72,
    elasticity: 2,
    onlineShare: 0.3,
    channelMix: [0.5, 0.35, 0.15],
    returnRate: 0.09,
    storeReturnRate: 0.03,
    packSizes: [1, 2, 4],
    seasonalAmplitude: 1.5,
    seasonalItemShare: 0,
    seasonalItemAmplitude: 0,
    discount: [0.15, 0.3],
    grades: [0.45, 0.3, 0.15, 0.1],
    dispositions: ['restock', 'refurbish', 'return_to_vendor', 'write_off'],
    shrinkRate: 0.012,
    damageRate: 0.003,
    brands: ['Volta', 'Kestrel', 'Brightline', 'Orbit'],
    nouns: [
      'earbuds',
      'charger',
      'smart speaker',
      'tablet case',
      'power bank',
      'headphones',
      'webcam',
      'cable',
    ],
  },
  home: {
    code: 'HOM',
    priceMedian: 28,
    priceLogSd: 0.7,
    costRatio: 0.5,
    elasticity: 1.8,
    onlineShare: 0.14,
    channelMix: [0.6, 0.3, 0.1],
    returnRate: 0.07,
    storeReturnRate: 0.03,
    packSizes: [4, 6, 6],
    seasonalAmplitude: 1,
    seasonalItemShare: 0.2,
    seasonalItemAmplitude: 0.5,
    discount: [0.15, 0.35],
    grades: [0.6, 0.2, 0.1, 0.1],
    dispositions: ['restock', 'liquidate', 'return_to_vendor', 'write_off'],
    shrinkRate: 0.01,
    damageRate: 0.004,
    brands: ['Hearth & Co', 'Linden', 'Cask', 'Terrace'],
    nouns: ['mug set', 'throw blanket', 'lamp', 'storage box', 'towel', 'frying pan', 'candle', 'planter'],
  },
  health: {
    code: 'HEA',
    priceMedian: 9,
    priceLogSd: 0.5,
    costRatio: 0.55,
    elasticity: 1.5,
    onlineShare: 0.06,
    channelMix: [0.7, 0.25, 0.05],
    returnRate: 0.03,
    storeReturnRate: 0.01,
    packSizes: [12, 12, 24],
    seasonalAmplitude: 0.6,
    seasonalItemShare: 0.2,
    seasonalItemAmplitude: 0.5,
    discount: [0.1, 0.25],
    grades: [0.2, 0, 0, 0.8],
    dispositions: ['restock', 'restock', 'write_off', 'write_off'],
    shrinkRate: 0.02,
    damageRate: 0.002,
    brands: ['Vitalis', 'Puremed', 'Greenleaf'],
    nouns: [
      'vitamin C',
      'hand cream',
      'toothpaste',
      'pain relief',
      'sunscreen',
      'bandages',
      'shampoo',
      'lip balm',
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// scale presets

const probability = z.number().min(0).max(1);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

const regionSchema = z.object({
  id: z.string(),
  /** Share of stores and of online customers. */
  weight: z.number().positive(),
  /** Truck and parcel transit from the DC, days. */
  transitDays: z.number().int().min(0).max(30),
  costPerOrder: z.number().nonnegative(),
  costPerUnit: z.number().nonnegative(),
  cities: z.array(z.string()).min(1),
  /** Stores in the region (exact), else allocated by weight. */
  stores: z.number().int().positive().optional(),
});

const supplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  categories: z.array(z.enum(CATEGORIES)).min(1),
  /** Share of the categories' items this supplier carries (relative to the other suppliers). */
  weight: z.number().positive(),
  leadTimeDays: z.number().int().min(1).max(180),
  /** Coefficient of variation of the actual lead time around the nominal one. */
  leadTimeCv: z.number().min(0).max(1),
  /** Probability that a PO arrives on time (else late by 2..maxLateDays). */
  onTimeRate: probability,
  maxLateDays: z.number().int().min(2).max(60),
  /** Probability that a PO line ships complete. */
  lineFillRate: probability,
  moq: z.number().int().positive().optional(),
});

const faultsSchema = z.object({
  lateRate: probability,
  duplicateRate: probability,
  malformed: z.number().int().min(0).max(1_000_000),
  unknownSkuRate: probability,
});

export const scaleSchema = z.object({
  name: z.enum(['small', 'demo', 'm5']),
  description: z.string(),
  days: z.number().int().positive(),
  start: isoDate,
  items: z.number().int().positive(),
  categoryMix: z.record(z.enum(CATEGORIES), z.number().nonnegative()),
  regions: z.array(regionSchema).min(1),
  /** Region of the distribution centre and the returns centre. */
  dcRegion: z.string(),
  stores: z.number().int().positive(),
  /** Store id pattern: `ST-001` (numbered) or `CA_1` (region_number, as in M5). */
  storeIds: z.enum(['numbered', 'regional']),
  /** Share of the assortment a store carries: the smallest and the largest store. */
  assortment: z.tuple([probability, probability]),
  /** Log-sd of store size (demand multiplier). */
  storeSizeLogSd: z.number().nonnegative(),
  /** Share of stores that ship web orders, and their daily ship capacity. */
  shipFromStoreShare: probability,
  storeShipCapacity: z.number().int().positive(),
  /** Item demand: lognormal mean units per store-day (log mean and log sd), before the calendar. */
  rateLogMean: z.number(),
  rateLogSd: z.number().nonnegative(),
  /** Multiplier on each category's online share. */
  onlineShareScale: z.number().nonnegative(),
  /** DC ship capacity (per open day) as a multiple of the average online units per calendar day. */
  dcCapacityHeadroom: z.number().positive(),
  suppliers: z.array(supplierSchema).min(1),
  /** Store replenishment reviews per week (DC → store transfers). */
  storeReviewsPerWeek: z.number().int().min(1).max(7),
  /** Cycle counts per node per day. */
  countsPerStore: z.number().int().nonnegative(),
  countsPerDc: z.number().int().nonnegative(),
  /** Share of items launched during the run (first sale after day 0). */
  launchShare: probability,
  /** Share of SKUs that start a promotion each week. */
  weeklyPromoShare: probability,
  faults: faultsSchema,
});

export type ScaleParams = z.infer<typeof scaleSchema>;
export type ScaleName = ScaleParams['name'];
export type Region = ScaleParams['regions'][number];
export type SupplierSpec = ScaleParams['suppliers'][number];
export type FaultRates = z.infer<typeof faultsSchema>;

const NO_FAULTS: FaultRates = { lateRate: 0, duplicateRate: 0, malformed: 0, unknownSkuRate: 0 };

const US_REGIONS = {
  midwest: {
    id: 'midwest',
    weight: 0.22,
    transitDays: 1,
    costPerOrder: 5.5,
    costPerUnit: 0.25,
    cities: [
      'Chicago',
      'Columbus',
      'Indianapolis',
      'Detroit',
      'Minneapolis',
      'Milwaukee',
      'St. Louis',
      'Omaha',
    ],
  },
  northeast: {
    id: 'northeast',
    weight: 0.24,
    transitDays: 2,
    costPerOrder: 6.5,
    costPerUnit: 0.3,
    cities: [
      'Boston',
      'Philadelphia',
      'Brooklyn',
      'Pittsburgh',
      'Providence',
      'Hartford',
      'Buffalo',
      'Newark',
    ],
  },
  southeast: {
    id: 'southeast',
    weight: 0.22,
    transitDays: 2,
    costPerOrder: 6.5,
    costPerUnit: 0.3,
    cities: ['Atlanta', 'Charlotte', 'Nashville', 'Orlando', 'Tampa', 'Raleigh', 'Richmond', 'Miami'],
  },
  southwest: {
    id: 'southwest',
    weight: 0.14,
    transitDays: 3,
    costPerOrder: 7.5,
    costPerUnit: 0.35,
    cities: ['Dallas', 'Houston', 'Austin', 'Phoenix', 'San Antonio', 'Albuquerque', 'Tucson'],
  },
  west: {
    id: 'west',
    weight: 0.18,
    transitDays: 4,
    costPerOrder: 8.5,
    costPerUnit: 0.4,
    cities: [
      'Los Angeles',
      'San Francisco',
      'Seattle',
      'Portland',
      'San Diego',
      'Denver',
      'Sacramento',
      'Salt Lake City',
    ],
  },
} satisfies Record<string, Region>;

const SCALE_PRESETS: readonly ScaleParams[] = [
  {
    name: 'small',
    description: 'a test-sized retailer: 4 stores, 160 SKUs, 8 weeks',
    days: 56,
    start: '2024-03-04',
    items: 160,
    categoryMix: { apparel: 0.35, electronics: 0.2, home: 0.3, health: 0.15 },
    regions: [
      { ...US_REGIONS.midwest, stores: 2 },
      { ...US_REGIONS.west, stores: 2 },
    ],
    dcRegion: 'midwest',
    stores: 4,
    storeIds: 'numbered',
    assortment: [0.8, 1],
    storeSizeLogSd: 0.25,
    shipFromStoreShare: 0.5,
    storeShipCapacity: 25,
    // twice the demo rates: fewer series, more signal for the statistical tests
    rateLogMean: CALIBRATION.item.rateLogMean + Math.log(0.6),
    rateLogSd: CALIBRATION.item.rateLogSd,
    onlineShareScale: 1,
    dcCapacityHeadroom: 1.7,
    suppliers: [
      {
        id: 'SUP-NORTHWIND',
        name: 'Northwind Apparel',
        categories: ['apparel'],
        weight: 1,
        leadTimeDays: 21,
        leadTimeCv: 0.15,
        onTimeRate: 0.8,
        maxLateDays: 10,
        lineFillRate: 0.93,
        moq: 24,
      },
      {
        id: 'SUP-VOLTA',
        name: 'Volta Electronics',
        categories: ['electronics'],
        weight: 1,
        leadTimeDays: 14,
        leadTimeCv: 0.1,
        onTimeRate: 0.9,
        maxLateDays: 8,
        lineFillRate: 0.95,
      },
      {
        id: 'SUP-HEARTH',
        name: 'Hearth Homewares',
        categories: ['home'],
        weight: 1,
        leadTimeDays: 10,
        leadTimeCv: 0.15,
        onTimeRate: 0.85,
        maxLateDays: 7,
        lineFillRate: 0.92,
      },
      {
        id: 'SUP-PUREMED',
        name: 'Puremed Health',
        categories: ['health'],
        weight: 1,
        leadTimeDays: 5,
        leadTimeCv: 0.1,
        onTimeRate: 0.97,
        maxLateDays: 4,
        lineFillRate: 0.97,
      },
    ],
    storeReviewsPerWeek: 2,
    countsPerStore: 4,
    countsPerDc: 10,
    launchShare: 0.03,
    weeklyPromoShare: 0.03,
    faults: NO_FAULTS,
  },
  {
    name: 'demo',
    description:
      'the mid-market retailer: 40 stores, a DC, a returns centre, web + 2 marketplaces, 2,000 SKUs',
    days: 91,
    start: '2024-10-14',
    items: 2000,
    categoryMix: { apparel: 0.4, electronics: 0.15, home: 0.3, health: 0.15 },
    regions: [
      US_REGIONS.midwest,
      US_REGIONS.northeast,
      US_REGIONS.southeast,
      US_REGIONS.southwest,
      US_REGIONS.west,
    ],
    dcRegion: 'midwest',
    stores: 40,
    storeIds: 'numbered',
    assortment: [0.4, 0.85],
    storeSizeLogSd: 0.35,
    shipFromStoreShare: 0.25,
    storeShipCapacity: 40,
    // general merchandise sells far fewer units per SKU and store than M5's Walmart groceries: 0.1 × M5
    rateLogMean: CALIBRATION.item.rateLogMean + Math.log(0.1),
    rateLogSd: CALIBRATION.item.rateLogSd,
    onlineShareScale: 0.6,
    dcCapacityHeadroom: 1.7,
    suppliers: [
      {
        id: 'SUP-NORTHWIND',
        name: 'Northwind Apparel (Vietnam)',
        categories: ['apparel'],
        weight: 2,
        leadTimeDays: 42,
        leadTimeCv: 0.15,
        onTimeRate: 0.72,
        maxLateDays: 14,
        lineFillRate: 0.9,
        moq: 36,
      },
      {
        id: 'SUP-MARLOW',
        name: 'Marlow Textiles (Mexico)',
        categories: ['apparel'],
        weight: 1,
        leadTimeDays: 14,
        leadTimeCv: 0.12,
        onTimeRate: 0.9,
        maxLateDays: 6,
        lineFillRate: 0.94,
      },
      {
        id: 'SUP-VOLTA',
        name: 'Volta Electronics',
        categories: ['electronics'],
        weight: 1,
        leadTimeDays: 21,
        leadTimeCv: 0.1,
        onTimeRate: 0.9,
        maxLateDays: 10,
        lineFillRate: 0.95,
      },
      {
        id: 'SUP-KESTREL',
        name: 'Kestrel Devices (Shenzhen)',
        categories: ['electronics'],
        weight: 1,
        leadTimeDays: 35,
        leadTimeCv: 0.2,
        onTimeRate: 0.65,
        maxLateDays: 20,
        lineFillRate: 0.88,
        moq: 20,
      },
      {
        id: 'SUP-HEARTH',
        name: 'Hearth Homewares',
        categories: ['home'],
        weight: 2,
        leadTimeDays: 28,
        leadTimeCv: 0.15,
        onTimeRate: 0.82,
        maxLateDays: 12,
        lineFillRate: 0.92,
      },
      {
        id: 'SUP-TERRACE',
        name: 'Terrace Outdoor & Home',
        categories: ['home'],
        weight: 1,
        leadTimeDays: 10,
        leadTimeCv: 0.12,
        onTimeRate: 0.9,
        maxLateDays: 6,
        lineFillRate: 0.95,
      },
      {
        id: 'SUP-PUREMED',
        name: 'Puremed Health',
        categories: ['health'],
        weight: 1,
        leadTimeDays: 7,
        leadTimeCv: 0.1,
        onTimeRate: 0.96,
        maxLateDays: 4,
        lineFillRate: 0.97,
        moq: 48,
      },
    ],
    storeReviewsPerWeek: 2,
    countsPerStore: 12,
    countsPerDc: 60,
    launchShare: 0.04,
    weeklyPromoShare: 0.015,
    faults: { lateRate: 0.005, duplicateRate: 0.002, malformed: 20, unknownSkuRate: 0.001 },
  },
  {
    name: 'm5',
    description: 'M5 size: 10 stores × 3,049 SKUs = 30,490 store × SKU series, as M5 (d_1 to d_1941)',
    days: 1941,
    start: '2011-01-29',
    items: 3049,
    categoryMix: { apparel: 0.3, electronics: 0.15, home: 0.35, health: 0.2 },
    regions: [
      {
        ...US_REGIONS.west,
        id: 'CA',
        stores: 4,
        cities: ['Los Angeles', 'San Diego', 'San Jose', 'Sacramento'],
      },
      {
        ...US_REGIONS.southwest,
        id: 'TX',
        transitDays: 1,
        stores: 3,
        cities: ['Dallas', 'Houston', 'Austin'],
      },
      {
        ...US_REGIONS.midwest,
        id: 'WI',
        transitDays: 2,
        stores: 3,
        cities: ['Milwaukee', 'Madison', 'Green Bay'],
      },
    ],
    dcRegion: 'TX',
    stores: 10,
    storeIds: 'regional',
    assortment: [1, 1],
    storeSizeLogSd: 0.3,
    shipFromStoreShare: 0,
    storeShipCapacity: 40,
    // M5's own item rates: the calibrated lognormal, so the zero share matches M5's 58%
    rateLogMean: CALIBRATION.item.rateLogMean,
    rateLogSd: CALIBRATION.item.rateLogSd,
    onlineShareScale: 0.1,
    dcCapacityHeadroom: 1.7,
    suppliers: [
      {
        id: 'SUP-NORTHWIND',
        name: 'Northwind Apparel',
        categories: ['apparel'],
        weight: 1,
        leadTimeDays: 28,
        leadTimeCv: 0.15,
        onTimeRate: 0.78,
        maxLateDays: 12,
        lineFillRate: 0.92,
      },
      {
        id: 'SUP-VOLTA',
        name: 'Volta Electronics',
        categories: ['electronics'],
        weight: 1,
        leadTimeDays: 21,
        leadTimeCv: 0.1,
        onTimeRate: 0.9,
        maxLateDays: 10,
        lineFillRate: 0.95,
      },
      {
        id: 'SUP-HEARTH',
        name: 'Hearth Homewares',
        categories: ['home'],
        weight: 1,
        leadTimeDays: 21,
        leadTimeCv: 0.15,
        onTimeRate: 0.82,
        maxLateDays: 12,
        lineFillRate: 0.92,
      },
      {
        id: 'SUP-TERRACE',
        name: 'Terrace Outdoor & Home',
        categories: ['home'],
        weight: 1,
        leadTimeDays: 10,
        leadTimeCv: 0.12,
        onTimeRate: 0.9,
        maxLateDays: 6,
        lineFillRate: 0.95,
      },
      {
        id: 'SUP-PUREMED',
        name: 'Puremed Health',
        categories: ['health'],
        weight: 1,
        leadTimeDays: 7,
        leadTimeCv: 0.1,
        onTimeRate: 0.96,
        maxLateDays: 4,
        lineFillRate: 0.97,
      },
    ],
    storeReviewsPerWeek: 2,
    countsPerStore: 30,
    countsPerDc: 60,
    launchShare: 0.02,
    weeklyPromoShare: 0.01,
    faults: NO_FAULTS,
  },
];

export const SCALES: Readonly<Record<ScaleName, ScaleParams>> = Object.freeze(
  Object.fromEntries(SCALE_PRESETS.map((preset) => [preset.name, scaleSchema.parse(preset)])) as Record<
    ScaleName,
    ScaleParams
  >,
);

export const SCALE_NAMES: readonly ScaleName[] = ['small', 'demo', 'm5'];

// ---------------------------------------------------------------------------------------------------------
// behaviour constants shared by every scale (assumptions; docs/simulator.md lists them)

export const BEHAVIOUR = {
  /** Negative binomial shape of store-day demand (calibrated on M5). */
  nbShape: CALIBRATION.item.nbShape,
  /** Extra demand multiplier while a promotion is on (display, feature), beyond the price effect. */
  promoDisplayLift: 1.25,
  /** Online lift on Cyber Monday and Black Friday (US e-commerce; not in the calibration data). */
  cyberMondayOnlineLift: 2,
  blackFridayOnlineLift: 1.6,
  /** How much of the weekday swing online orders keep (they peak less at weekends). */
  onlineWeekdayDamping: 0.5,
  /** Web orders: share picked up in store, and share with express service. */
  pickupShare: 0.06,
  expressShare: 0.15,
  /** Lines per order: 1 + geometric(p) capped at 5; units per line 1 (85%), 2 (11%), 3 (4%). */
  extraLineProbability: 0.35,
  /** Customer cancellations: share of orders, within minutes to hours of placing. */
  customerCancelRate: 0.025,
  /** Lines not allocatable for this many days are cancelled (out of stock). */
  backorderDays: 4,
  /** Returns arrive this many days after shipping (uniform). */
  returnDelayDays: [3, 24] as const,
  /** Share of web returns brought to a store (buy online, return in store). */
  returnInStoreShare: 0.2,
  /** Days from receipt at the returns centre to grading (uniform). */
  gradingDelayDays: [1, 4] as const,
  /** Days in repair before a refurbished unit is sellable again. */
  refurbishDays: [7, 21] as const,
  /** Shipments later than promised that get an appeasement refund (10% of the line). */
  appeasementRate: 0.3,
  /** Share of hidden shrink that is misplaced rather than gone (found again days later). */
  misplacedShare: 0.2,
  /** DC: days with a labour shortfall (capacity 50–70%), and the Saturday capacity. */
  labourShortfallRate: 0.04,
  saturdayCapacity: 0.5,
  /** Store replenishment: safety factor z and days of safety stock at the DC. */
  storeServiceZ: 1.3,
  dcSafetyDays: 7,
  /** Planner forecast error: log-sd of a persistent per-item bias. */
  forecastBiasLogSd: 0.2,
  /** Transfers received short (lost in transit) and with damaged units. */
  transferShortRate: 0.004,
  transferDamageRate: 0.003,
  /** PO lines with damaged units on receipt; whole POs cancelled by the buyer. */
  receiptDamageRate: 0.015,
  poCancelRate: 0.005,
  /** Late POs announced by the supplier (po_updated) before the original date. */
  etaNoticeRate: 0.8,
  /** Short-shipped PO lines whose rest arrives later (else the line is cancelled). */
  backorderShipRate: 0.6,
  /** Health items expiring on the shelf, per unit sold. */
  expiryRate: 0.002,
} as const;

// ---------------------------------------------------------------------------------------------------------
// run options

export const FORMATS = ['jsonl', 'csv', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];
export const SCENARIO_NAMES = [
  'promo-spike',
  'supplier-delay',
  'returns-wave',
  'dc-labour-shortage',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const simOptionsSchema = z.strictObject({
  scale: z.enum(['small', 'demo', 'm5']),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  /** Days to simulate (default: the scale's). */
  days: z.number().int().min(1).max(20_000).optional(),
  /** First simulated day (default: the scale's). */
  start: isoDate.optional(),
  format: z.enum(FORMATS).default('jsonl'),
  scenarios: z.array(z.enum(SCENARIO_NAMES)).default([]),
  /** Fault overrides (unset: the scale's defaults); `noFaults` zeroes every fault not set explicitly. */
  noFaults: z.boolean().default(false),
  lateRate: probability.optional(),
  duplicateRate: probability.optional(),
  malformed: z.number().int().min(0).max(1_000_000).optional(),
  unknownSkuRate: probability.optional(),
});

/** Options as given (defaults: demo scale, seed 42, JSON Lines, no scenario, the scale's faults). */
export type SimOptions = z.input<typeof simOptionsSchema>;
/** Options after defaults. */
export type ParsedSimOptions = z.output<typeof simOptionsSchema>;

/** Options with every default filled in: what a run actually used (recorded in the manifest). */
export interface ResolvedOptions {
  scale: ScaleName;
  seed: number;
  days: number;
  start: string;
  format: Format;
  scenarios: ScenarioName[];
  faults: FaultRates;
}

export function resolveOptions(options: ParsedSimOptions): ResolvedOptions {
  const scale = SCALES[options.scale];
  const base = options.noFaults ? NO_FAULTS : scale.faults;
  return {
    scale: scale.name,
    seed: options.seed,
    days: options.days ?? scale.days,
    start: options.start ?? scale.start,
    format: options.format,
    scenarios: [...new Set(options.scenarios)],
    faults: {
      lateRate: options.lateRate ?? base.lateRate,
      duplicateRate: options.duplicateRate ?? base.duplicateRate,
      malformed: options.malformed ?? base.malformed,
      unknownSkuRate: options.unknownSkuRate ?? base.unknownSkuRate,
    },
  };
}

/** The seed used when none is given (simulate, and the demo that npm start runs). */
export const DEFAULT_SEED = 42;
