import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SqlFile {
  /** File name without `.sql`. */
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

/** Reads every `.sql` file of a folder, sorted by name. A missing folder has none. */
export function readSqlFolder(dir: string): SqlFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((entry) => entry.endsWith('.sql'))
    .sort()
    .map((entry) => {
      const file = path.join(dir, entry);
      const sql = fs.readFileSync(file, 'utf8');
      return { name: entry.slice(0, -4), file, sql, checksum: sha256(sql) };
    });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `-- key: value` lines of a file's header comment (before the first statement). */
export function headerDirectives(sql: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const match = /^--\s*([a-z_]+)\s*:\s*(.+)$/i.exec(trimmed);
    if (match) directives.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return directives;
}
