import fs from 'node:fs';
import path from 'node:path';
import { SQL_DIR } from '../warehouse/config.ts';

/** The channel connectors' queries: one file per query in `sql/channels/`, named parameters only. */
export const CHANNELS_SQL_DIR = path.join(SQL_DIR, 'channels');

export type ChannelQuery = 'wanted' | 'change_origins' | 'status';

const cache = new Map<ChannelQuery, string>();

export function channelSql(name: ChannelQuery): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = fs
      .readFileSync(path.join(CHANNELS_SQL_DIR, `${name}.sql`), 'utf8')
      .trim()
      .replace(/;\s*$/, '');
    cache.set(name, sql);
  }
  return sql;
}
