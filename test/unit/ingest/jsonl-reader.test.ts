import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, readJsonl } from '../../../src/ingest/readers/jsonl.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-jsonl-'));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(text: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'x.jsonl');
  fs.writeFileSync(file, text);
  const items = [];
  for await (const chunk of readJsonl({ path: file })) items.push(...chunk.items);
  return items;
}

describe('readJsonl', () => {
  it('numbers lines from 1, skips blank lines, strips CR and a leading byte-order mark', async () => {
    const items = await read('\uFEFF{"a":1}\r\n\n   \n{"b":2}');
    expect(items).toEqual([
      { line: 1, raw: '{"a":1}' },
      { line: 4, raw: '{"b":2}' },
    ]);
  });

  it('rejects an oversized line unread but keeps counting lines after it', async () => {
    const items = await read(`{"a":1}\n"${'x'.repeat(MAX_LINE_BYTES + 10)}"\n{"c":3}\n`);
    expect(items).toHaveLength(3);
    expect(items[1]!.readError?.code).toBe('line_too_long');
    expect(items[1]!.raw.length).toBeLessThanOrEqual(4096);
    expect(items[2]).toEqual({ line: 3, raw: '{"c":3}' });
  });
});
