import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatRows, toJsonValue } from '../../../src/cli/format.ts';
import { ProgressBar } from '../../../src/cli/progress.ts';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('formatRows', () => {
  const rows = [
    {
      type: 'receipt',
      n: 12n,
      value: 1.5,
      at: new Date('2024-01-01T00:00:00Z'),
      tags: ['a', 'b'],
      note: null,
    },
    { type: 'pos, "sale"', n: 3n, value: 0, at: null, tags: [], note: 'x' },
  ];
  const columns = ['type', 'n', 'value', 'at', 'tags', 'note'];

  it('json: one array of objects, bigints as numbers, dates as ISO text', () => {
    const parsed = JSON.parse(formatRows(columns, rows, 'json'));
    expect(parsed).toEqual([
      { type: 'receipt', n: 12, value: 1.5, at: '2024-01-01T00:00:00.000Z', tags: ['a', 'b'], note: null },
      { type: 'pos, "sale"', n: 3, value: 0, at: null, tags: [], note: 'x' },
    ]);
  });

  it('csv: header, quoting of commas and quotes, empty for null', () => {
    expect(formatRows(columns, rows, 'csv').split('\n')).toEqual([
      'type,n,value,at,tags,note',
      'receipt,12,1.5,2024-01-01T00:00:00.000Z,"[""a"",""b""]",',
      '"pos, ""sale""",3,0,,[],x',
      '',
    ]);
  });

  it('table: aligned columns with a row count', () => {
    const text = formatRows(['type', 'n'], rows, 'table');
    expect(text).toContain('(2 rows)');
    const [header, rule, first] = text.split('\n');
    expect(header!.indexOf('n')).toBe(rule!.lastIndexOf('-'));
    expect(first!.endsWith('12')).toBe(true);
  });

  it('toJsonValue turns nested values plain', () => {
    expect(toJsonValue({ a: [1n, { b: new Date(0) }] })).toEqual({
      a: [1, { b: '1970-01-01T00:00:00.000Z' }],
    });
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('ProgressBar', () => {
  const state = { label: '1/1', position: 50, total: 100, unit: 'bytes' as const, detail: 'accepted 5' };

  it('draws on a terminal and clears when done', () => {
    const out = new Capture(true);
    const bar = new ProgressBar(out);
    bar.update(state, true);
    expect(out.text).toContain(' 50%');
    expect(out.text.startsWith('\r')).toBe(true);
    bar.done();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('stays silent when the stream is not a terminal', () => {
    const out = new Capture(false);
    const bar = new ProgressBar(out);
    bar.update(state, true);
    bar.done();
    expect(out.text).toBe('');
  });
});
