import fs from 'node:fs';
import { readJsonl } from '../../src/ingest/readers/jsonl.ts';
import { definePipeline } from '../pipeline.ts';

/** JSON Lines exactly in the contract's shape: one event object per line. Also stdin ('-'). */
export default definePipeline({
  name: 'jsonl',
  description: 'JSON Lines, one event per line (.jsonl, .ndjson, optionally .gz)',
  extensions: ['.jsonl', '.ndjson', '.jsonl.gz', '.ndjson.gz'],
  read: readJsonl,
  total: async (path) => (path === '-' ? 0 : fs.statSync(path).size),
  unit: 'bytes',
});
