import fs from 'node:fs';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * A small RFC 4180 reader for the reference CSVs (at most tens of MB): quoted fields, doubled quotes,
 * CRLF. Everything is returned as text; callers convert the columns they use. `NA` is left as is.
 */
export function parseCsv(text: string): CsvTable {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  let quoted = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      // copy a run of ordinary characters at once
      const next = text.indexOf('"', i);
      const end = next < 0 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === 34) {
      quoted = true;
      i++;
    } else if (c === 44) {
      row.push(field);
      field = '';
      i++;
    } else if (c === 10 || c === 13) {
      row.push(field);
      field = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else {
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13 || d === 34) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const header = rows.shift() ?? [];
  return { header, rows };
}

export function readCsv(file: string): CsvTable {
  return parseCsv(fs.readFileSync(file, 'utf8'));
}

/** The index of a column, or an error naming the file's columns. */
export function columnIndex(table: CsvTable, name: string, file = 'CSV'): number {
  const index = table.header.indexOf(name);
  if (index < 0)
    throw new Error(`${file}: no column "${name}" (has ${table.header.slice(0, 8).join(', ')}…)`);
  return index;
}

/** Parses a number cell; empty and NA become NaN. */
export function toNumber(cell: string | undefined): number {
  if (cell === undefined || cell === '' || cell === 'NA') return Number.NaN;
  return Number(cell);
}
