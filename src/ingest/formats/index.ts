/**
 * Source formats beyond the contract's own (`--from FORMAT`): files as sales channels and other systems
 * write them, mapped to contract events. Each is a pipeline built for one run (it knows the channel, the
 * mapping file, and how to read the warehouse).
 */
import fs from 'node:fs';
import type { Pipeline } from '../../../pipelines/pipeline.ts';
import { AMAZON_REQUIRED, amazonNeeds, mapAmazonOrder } from '../../channels/inbound/amazon-report.ts';
import { mapShopifyCsv, SHOPIFY_CSV_REQUIRED, shopifyCsvNeeds } from '../../channels/inbound/shopify-csv.ts';
import type { ChannelReadOptions } from './channel-orders.ts';
import { type MappingFile, mappedCsvReader } from './mapped-csv.ts';
import { ordersFileReader } from './orders-file.ts';

export const FORMATS = {
  'shopify-orders-csv': 'the Shopify admin order export (CSV, one row per line item); needs --channel',
  'amazon-orders-report': 'the Amazon Selling Partner "All Orders" report (tab-separated); needs --channel',
  'mapped-csv': 'any CSV, with a mapping file (--map FILE) from its columns to an event type',
} as const;
export type FormatName = keyof typeof FORMATS;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}

const size = async (path: string) => (path === '-' ? 0 : fs.statSync(path).size);

export function shopifyOrdersCsv(options: ChannelReadOptions): Pipeline {
  return {
    name: 'shopify-orders-csv',
    description: FORMATS['shopify-orders-csv'],
    extensions: ['.csv', '.csv.gz'],
    read: ordersFileReader(
      {
        what: 'a Shopify order export',
        table: { delimiter: ',' },
        required: SHOPIFY_CSV_REQUIRED,
        orderColumn: 'Name',
        needs: shopifyCsvNeeds,
        map: mapShopifyCsv,
      },
      options,
    ),
    total: size,
    unit: 'bytes',
  };
}

export function amazonOrdersReport(options: ChannelReadOptions): Pipeline {
  return {
    name: 'amazon-orders-report',
    description: FORMATS['amazon-orders-report'],
    extensions: ['.txt', '.tsv', '.txt.gz', '.tsv.gz'],
    read: ordersFileReader(
      {
        what: 'an Amazon All Orders report',
        table: { delimiter: '\t', quote: false },
        required: AMAZON_REQUIRED,
        orderColumn: 'amazon-order-id',
        needs: amazonNeeds,
        map: mapAmazonOrder,
      },
      options,
    ),
    total: size,
    unit: 'bytes',
  };
}

export function mappedCsv(mapping: MappingFile): Pipeline {
  return {
    name: 'mapped-csv',
    description: FORMATS['mapped-csv'],
    extensions: ['.csv', '.csv.gz', '.txt', '.tsv'],
    read: mappedCsvReader(mapping),
    total: size,
    unit: 'bytes',
  };
}
