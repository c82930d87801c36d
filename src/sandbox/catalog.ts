import { ALLOWED_RELATION_NAMES, ALLOWED_RELATIONS, ALLOWED_TABLE_FUNCTIONS } from './allow-list.ts';

export interface SandboxCatalog {
  relations: {
    name: string;
    group: string;
    kind: 'table' | 'view';
    columns: { name: string; type: string }[];
  }[];
  table_functions: { name: string; description: string }[];
}

/** Columns of the warehouse's own relations (run by the server on its own connection, not in the sandbox). */
const COLUMNS_SQL = `
  SELECT c.table_name, c.column_name, c.data_type,
         CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END AS kind
  FROM duckdb_columns() c
  LEFT JOIN duckdb_views() v
    ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
  WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT c.internal
  ORDER BY c.table_name, c.column_index`;

/**
 * What an analyst may read, as it exists in this warehouse: the allowed relations that are present
 * (in the allow-list's order) with their columns, and the allowed table functions.
 */
export async function sandboxCatalog(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<SandboxCatalog> {
  const columns = new Map<string, { kind: 'table' | 'view'; columns: { name: string; type: string }[] }>();
  for (const row of await query(COLUMNS_SQL)) {
    const name = String(row.table_name);
    if (!ALLOWED_RELATION_NAMES.has(name)) continue;
    const entry = columns.get(name) ?? { kind: row.kind === 'view' ? 'view' : 'table', columns: [] };
    entry.columns.push({ name: String(row.column_name), type: String(row.data_type) });
    columns.set(name, entry);
  }
  return {
    relations: ALLOWED_RELATIONS.flatMap((relation) => {
      const found = columns.get(relation.name);
      return found ? [{ name: relation.name, group: relation.group, ...found }] : [];
    }),
    table_functions: Object.entries(ALLOWED_TABLE_FUNCTIONS).map(([name, description]) => ({
      name,
      description,
    })),
  };
}
