import { parquetRowCount, readParquet } from '../../src/ingest/readers/parquet.ts';
import { definePipeline } from '../pipeline.ts';

/** Parquet with the same columns as the CSV format. */
export default definePipeline({
  name: 'parquet',
  description: 'Parquet with the CSV columns (.parquet)',
  extensions: ['.parquet'],
  read: readParquet,
  total: parquetRowCount,
  unit: 'rows',
});
