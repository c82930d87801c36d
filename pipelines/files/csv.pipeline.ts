import fs from 'node:fs';
import { readCsv } from '../../src/ingest/readers/csv.ts';
import { definePipeline } from '../pipeline.ts';

/**
 * CSV with a header row: one file per event type (a `type` column, or the file
 * named `<type>.csv`); orders and purchase orders one row per line.
 */
export default definePipeline({
  name: 'csv',
  description: 'CSV with a header row; type from a `type` column or the file name (.csv, .csv.gz)',
  extensions: ['.csv', '.csv.gz'],
  read: readCsv,
  total: async (path) => fs.statSync(path).size,
  unit: 'bytes',
});
