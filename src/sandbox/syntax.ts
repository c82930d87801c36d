import {
  ALLOWED_RELATION_NAMES,
  ALLOWED_TABLE_FUNCTIONS,
  DENIED_FUNCTIONS,
  DENIED_VALUE_KEYWORDS,
  SPECIAL_SCALAR_FUNCTIONS,
} from './allow-list.ts';
import { ALLOWED_FUNCTIONS } from './functions.ts';

/** Why a query is refused: what it names, and the rule it breaks. */
export interface Violation {
  kind: 'relation' | 'table_function' | 'function' | 'construct' | 'cte';
  name: string;
  message: string;
}

export interface SyntaxContext {
  /** The warehouse's catalog name (DuckDB names it after the file): `warehouse.main.events` is allowed. */
  database: string;
}

/**
 * Checks DuckDB's own parse tree of one SELECT (`json_serialize_sql`) against the allow-list: every
 * relation, table function and function it names, and every kind of node it holds. Nodes of a kind
 * not known here are refused rather than skipped, so a construct a later DuckDB adds cannot carry a
 * forbidden name past the check.
 *
 * Returns the violations and the CTE names that are not allowed relations themselves (the caller
 * makes sure none of them shadows a relation of the warehouse: inside its own body a CTE name still
 * means the table).
 */
export function checkParseTree(
  tree: unknown,
  context: SyntaxContext,
): { violations: Violation[]; cteNames: Set<string> } {
  const cteNames = new Set<string>();
  collectCteNames(tree, cteNames);
  const violations: Violation[] = [];
  walk(tree, { ...context, cteNames, violations });
  for (const name of cteNames) if (ALLOWED_RELATION_NAMES.has(name)) cteNames.delete(name);
  return { violations, cteNames };
}

interface WalkState extends SyntaxContext {
  cteNames: Set<string>;
  violations: Violation[];
}

/** Node kinds (`type` of a query node, table reference, result modifier, order) the sandbox knows. */
const KNOWN_NODE_TYPES = new Set([
  // query nodes
  'SELECT_NODE',
  'SET_OPERATION_NODE',
  'RECURSIVE_CTE_NODE',
  'CTE_NODE',
  // table references (checked below)
  'BASE_TABLE',
  'TABLE_FUNCTION',
  'SUBQUERY',
  'JOIN',
  'EMPTY',
  'EXPRESSION_LIST',
  'PIVOT',
  'SHOW_REF',
  // result modifiers and orders
  'LIMIT_MODIFIER',
  'LIMIT_PERCENT_MODIFIER',
  'ORDER_MODIFIER',
  'DISTINCT_MODIFIER',
  'ORDER_DEFAULT',
  'ASCENDING',
  'DESCENDING',
]);

/** Expression classes of DuckDB's parser (ParsedExpression). */
const KNOWN_EXPRESSION_CLASSES = new Set([
  'BETWEEN',
  'CASE',
  'CAST',
  'COLLATE',
  'COLUMN_REF',
  'COMPARISON',
  'CONJUNCTION',
  'CONSTANT',
  'DEFAULT',
  'FUNCTION',
  'LAMBDA',
  'LAMBDA_REF',
  'OPERATOR',
  'PARAMETER',
  'POSITIONAL_REFERENCE',
  'STAR',
  'SUBQUERY',
  'WINDOW',
]);

/** DESCRIBE <query> and SUMMARIZE <query> wrap a query the walk checks; SHOW TABLES & co read the catalog. */
const ALLOWED_SHOW_TYPES = new Set(['DESCRIBE', 'SUMMARY']);

/**
 * DuckDB folds identifiers to lower case, quoted or not. Only ASCII is folded here, so a name with a
 * look-alike letter (Cyrillic а, Kelvin K) never matches an allowed name.
 */
export function foldName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function collectCteNames(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectCteNames(child, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const cteMap = (node as { cte_map?: { map?: { key?: unknown }[] } }).cte_map;
  for (const entry of cteMap?.map ?? []) if (typeof entry.key === 'string') into.add(foldName(entry.key));
  for (const value of Object.values(node)) collectCteNames(value, into);
}

type Node = Record<string, unknown>;

function walk(node: unknown, state: WalkState): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, state);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Node;
  // A data type (of a CAST, a constant, a lambda parameter): names no relation, and its `type_info`
  // has kinds of its own (DECIMAL_TYPE_INFO, …).
  if ('id' in record && 'type_info' in record) return;
  if (typeof record.class === 'string') {
    checkExpression(record, state);
  } else if (typeof record.type === 'string') {
    if (!checkNode(record, state)) return;
  }
  for (const [key, value] of Object.entries(record)) {
    // A table function's call is checked as a table function, not as a scalar call: walk only its arguments.
    if (key === 'function' && record.type === 'TABLE_FUNCTION') walkArguments(value, state);
    else walk(value, state);
  }
}

function walkArguments(call: unknown, state: WalkState): void {
  if (typeof call !== 'object' || call === null) return;
  for (const [key, value] of Object.entries(call)) if (key !== 'function_name') walk(value, state);
}

function add(state: WalkState, violation: Violation): void {
  if (!state.violations.some((seen) => seen.kind === violation.kind && seen.name === violation.name)) {
    state.violations.push(violation);
  }
}

function checkExpression(node: Node, state: WalkState): void {
  const kind = node.class as string;
  if (!KNOWN_EXPRESSION_CLASSES.has(kind)) {
    add(state, { kind: 'construct', name: kind, message: `expressions of kind ${kind} are not allowed` });
    return;
  }
  if (kind === 'FUNCTION' || kind === 'WINDOW') checkFunction(node, state);
  if (kind === 'COLUMN_REF') {
    const names = node.column_names;
    if (Array.isArray(names) && names.length === 1 && DENIED_VALUE_KEYWORDS.has(foldName(String(names[0])))) {
      const name = foldName(String(names[0]));
      add(state, { kind: 'function', name, message: `${name} is not allowed (${DENIED_FUNCTIONS[name]})` });
    }
  }
}

/** Only the warehouse's own `main` schema: not temp, system, information_schema, pg_catalog, … */
function inMainSchema(catalog: unknown, schema: unknown, state: WalkState): boolean {
  const c = foldName(String(catalog ?? ''));
  const s = foldName(String(schema ?? ''));
  const database = foldName(state.database);
  if (c === '') return s === '' || s === 'main' || s === database;
  return c === database && (s === '' || s === 'main');
}

function checkFunction(node: Node, state: WalkState): void {
  const name = foldName(String(node.function_name ?? ''));
  const qualified = inMainSchema(node.catalog === 'system' ? '' : node.catalog, node.schema, state);
  if (qualified && (ALLOWED_FUNCTIONS.has(name) || SPECIAL_SCALAR_FUNCTIONS.has(name))) return;
  const why = DENIED_FUNCTIONS[name];
  add(state, {
    kind: 'function',
    name,
    message: why
      ? `the function ${name} is not allowed (${why})`
      : `the function ${displayName(node.catalog, node.schema, name)} is not in the sandbox's allow-list`,
  });
}

/** Returns false when the node's children need no walk (it was refused whole). */
function checkNode(node: Node, state: WalkState): boolean {
  const type = node.type as string;
  if (!KNOWN_NODE_TYPES.has(type)) {
    add(state, { kind: 'construct', name: type, message: `${type.toLowerCase()} is not allowed here` });
    return false;
  }
  switch (type) {
    case 'BASE_TABLE':
      checkRelation(node, state);
      return true;
    case 'TABLE_FUNCTION': {
      const call = (node.function ?? {}) as Node;
      const name = foldName(String(call.function_name ?? ''));
      const allowed =
        call.class === 'FUNCTION' &&
        Object.hasOwn(ALLOWED_TABLE_FUNCTIONS, name) &&
        inMainSchema(call.catalog, call.schema, state);
      if (!allowed) {
        add(state, {
          kind: 'table_function',
          name,
          message: `the table function ${displayName(call.catalog, call.schema, name)} is not in the sandbox's allow-list`,
        });
      }
      return true;
    }
    case 'SHOW_REF':
      if (!ALLOWED_SHOW_TYPES.has(String(node.show_type)) || node.query === null) {
        add(state, {
          kind: 'construct',
          name: 'SHOW',
          message:
            'SHOW and DESCRIBE of the catalog are not allowed (DESCRIBE or SUMMARIZE a relation or query)',
        });
        return false;
      }
      return true;
    default:
      return true;
  }
}

function checkRelation(node: Node, state: WalkState): void {
  const name = foldName(String(node.table_name ?? ''));
  const unqualified = !node.catalog_name && !node.schema_name;
  if (unqualified && state.cteNames.has(name)) return; // a CTE (the caller checks it shadows nothing)
  if (inMainSchema(node.catalog_name, node.schema_name, state) && ALLOWED_RELATION_NAMES.has(name)) return;
  const shown = displayName(node.catalog_name, node.schema_name, String(node.table_name ?? ''));
  add(state, {
    kind: 'relation',
    name,
    message: `the relation ${shown} cannot be read through the SQL sandbox (it is not in the allow-list)`,
  });
}

function displayName(catalog: unknown, schema: unknown, name: string): string {
  return [catalog, schema, name].filter((part) => typeof part === 'string' && part !== '').join('.');
}
