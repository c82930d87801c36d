import { describe, expect, it } from 'vitest';
import { isGroup } from '../../../src/cli/command.ts';
import { COMMANDS } from '../../../src/cli/main.ts';
import type { JobsContext } from '../../../src/jobs/index.ts';
import { standardJobs } from '../../../src/jobs/registry.ts';

/** `retailos <command> [<subcommand>]` named in a text, as the CLI would have to accept it. */
function namedCommands(text: string): string[][] {
  return [...text.matchAll(/retailos ([a-z-]+)(?: ([a-z-]+))?/g)].map((match) =>
    match[2] === undefined ? [match[1]!] : [match[1]!, match[2]],
  );
}

function exists([name, sub]: string[]): boolean {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) return false;
  if (sub === undefined || !isGroup(command)) return true;
  return command.subcommands.some((candidate) => candidate.name === sub);
}

describe('job descriptions name commands that exist', () => {
  it('every `retailos …` a scheduled job names is a command (and subcommand) of the CLI', () => {
    // The jobs are only described here, never run: their context is not touched when they are declared.
    const jobs = standardJobs({} as JobsContext);
    const named = jobs.flatMap((job) => namedCommands(job.description ?? ''));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((command) => !exists(command))).toEqual([]);
  });
});
