/**
 * What people read must not show raw machine numbers: a float with more than `max` decimals
 * ("0.8333333333333334"), or a spelled-out non-number ("Infinity", "NaN", "undefined"). Returns the
 * offending pieces of `text` (empty when it reads clean).
 */
export function rawNumbers(text: string, max = 2): string[] {
  // Times keep their seconds' fraction (2025-01-31T09:01:00.000Z): not a raw number.
  text = text.replace(/\d{2}:\d{2}:\d{2}\.\d+/g, '');
  return [
    ...(text.match(new RegExp(`\\d+\\.\\d{${max + 1},}`, 'g')) ?? []),
    ...(text.match(/Infinity|NaN|undefined/g) ?? []),
  ];
}

/**
 * The rows of the first aligned table in `text` (src/cli/format.ts's layout: a header, a rule of dashes
 * whose runs give the column spans, rows, then "(N rows)"), as header → trimmed cell.
 */
export function tableRows(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const ruleAt = lines.findIndex((line, index) => index > 0 && /^-+( +-+)*$/.test(line));
  if (ruleAt < 0) throw new Error(`no table in:\n${text}`);
  const spans: [number, number][] = [];
  for (const match of lines[ruleAt]!.matchAll(/-+/g))
    spans.push([match.index, match.index + match[0].length]);
  const cell = (line: string, [from, to]: [number, number], last: boolean) =>
    (last ? line.slice(from) : line.slice(from, to)).trim();
  const header = spans.map((span, i) => cell(lines[ruleAt - 1]!, span, i === spans.length - 1));
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(ruleAt + 1)) {
    if (line === '' || /^\(\d+ rows?\)$/.test(line)) break;
    rows.push(
      Object.fromEntries(header.map((name, i) => [name, cell(line, spans[i]!, i === spans.length - 1)])),
    );
  }
  return rows;
}
