/**
 * One list of exception types (src/workflow/exception-types.ts) for the CLI's help and its --type check: it
 * must name every type the queue can hold — derived in SQL or raised by the allocator — and every type
 * config/exceptions.json gives an owner, and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exceptionsCommand } from '../../../src/cli/commands/exceptions.ts';
import { helpText } from '../../../src/cli/help.ts';
import { EXCEPTION_TYPE_NAMES } from '../../../src/workflow/exception-types.ts';
import { REPO_ROOT } from '../../helpers/retailos.ts';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

describe('exception types', () => {
  it('are the types the queue derives and the allocator raises', () => {
    const sql = ['sql/marts/exceptions.sql', 'sql/marts/exception_episodes.sql'].map(read).join('\n');
    const derived = [...sql.matchAll(/'([a-z_]+)' AS exception_type/g)].map((match) => match[1]!);
    const allocator = [...read('src/allocation/exceptions.ts').matchAll(/exceptionType: '([a-z_]+)'/g)].map(
      (match) => match[1]!,
    );
    expect(derived.length).toBeGreaterThan(5);
    expect(allocator.length).toBe(3);
    for (const type of [...derived, ...allocator]) expect(EXCEPTION_TYPE_NAMES).toContain(type);
  });

  it('are the types config/exceptions.json configures', () => {
    const config = JSON.parse(read('config/exceptions.json')) as { types: Record<string, unknown> };
    expect(sorted(EXCEPTION_TYPE_NAMES)).toEqual(sorted(Object.keys(config.types)));
  });

  it('all show in the help of retailos exceptions list', () => {
    const list = exceptionsCommand.subcommands.find((sub) => sub.name === 'list')!;
    const help = helpText(list, 'retailos exceptions list');
    for (const type of EXCEPTION_TYPE_NAMES) expect(help).toContain(type);
  });
});
