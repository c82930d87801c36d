/**
 * The CLI core (src/cli/dispatch.ts, parse.ts, help.ts, suggest.ts) through `main`, as `retailos …` runs it:
 * mistakes in how a command is called are caught before it runs (no warehouse is touched), each with our own
 * one-line message and exit code 2 — never node:util's parseArgs text.
 */
import { describe, expect, it } from 'vitest';
import { type Command, isGroup } from '../../../src/cli/command.ts';
import { COMMANDS, main } from '../../../src/cli/main.ts';
import { closest } from '../../../src/cli/suggest.ts';
import { Capture } from '../../helpers/cli.ts';

async function cli(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  // --db names a file that does not exist: a command that got as far as running would fail differently.
  const status = await main(argv, { stdout, stderr, env: { RETAILOS_DB: '/nonexistent/never.duckdb' } });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** What parseArgs says on its own; none of it may reach a user. */
const NODE_TEXT = /after '--'|ERR_PARSE_ARGS|TypeError|\n\s+at /;

/** Every command path: `exceptions`, `exceptions ack`, … */
function paths(command: Command, prefix: string[] = []): string[][] {
  const here = [...prefix, command.name];
  return isGroup(command) ? [here, ...command.subcommands.flatMap((sub) => paths(sub, here))] : [here];
}

describe('did you mean', () => {
  it.each([
    ['staus', 'status'],
    ['exceptoins', 'exceptions'],
    ['replenishment', 'replenish'],
    ['aprovals', 'approvals'],
    ['posittions', 'positions'],
  ])('retailos %s suggests %s', async (typed, meant) => {
    const result = await cli(typed);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`retailos: unknown command '${typed}'. Did you mean '${meant}'?\n`);
  });

  it('a word like no command gets the list, not a guess', async () => {
    const result = await cli('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'\. Run retailos --help for the list/);
  });

  it.each([
    [['exceptions', 'lsit'], /Unknown action "lsit" for 'retailos exceptions'\. Did you mean 'list'\?/],
    [['exceptions', 'resovle', 'X'], /Did you mean 'resolve'\?/],
    [['keys', 'revok', 'k1'], /Did you mean 'revoke'\?/],
    [['forecast', 'trian'], /Did you mean 'train'\?/],
  ])('a mistyped subcommand %j', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(NODE_TEXT);
  });

  it('closest: one edit for short names, a third of the length for long ones, or a unique prefix', () => {
    expect(closest('sql', ['sql', 'status'])).toBe('sql');
    expect(closest('sq', ['sql', 'status'])).toBe('sql');
    expect(closest('xyz', ['sql', 'status'])).toBeUndefined();
    expect(closest('exc', ['exceptions', 'alerts'])).toBe('exceptions');
    expect(closest('re', ['refresh', 'rejects'])).toBeUndefined();
    expect(closest('STAUS', ['status'])).toBe('status');
  });
});

describe('unknown and misplaced flags', () => {
  it.each([
    [['positions', '--skuu', 'A'], "Unknown option --skuu for 'retailos positions'. Did you mean --sku?"],
    [['exceptions', 'list', '--sevrity', 'high'], 'Did you mean --severity?'],
    [['serve', '--prot', '9000'], 'Did you mean --port?'],
    [['positions', '--wat'], "Unknown option --wat for 'retailos positions'."],
    [['sql', '-z', 'SELECT 1'], "Unknown option -z for 'retailos sql'."],
  ])('%j', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Run retailos ${argv[0]}`);
    expect(result.stderr).not.toMatch(NODE_TEXT);
  });

  it('a flag of another subcommand says whose it is', async () => {
    const result = await cli('exceptions', 'ack', 'EX-1', '--code', 'fixed');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "Unknown option --code for 'retailos exceptions ack'. --code is an option of 'retailos exceptions resolve'.",
    );
  });

  it('a flag before the command is named as such', async () => {
    const result = await cli('--db', 'x.duckdb', 'status');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option --db: a command comes first/);
  });

  it('a value that looks like a flag, a switch given a value, an extra argument', async () => {
    const missing = await cli('positions', '--sku', '--node', 'N1');
    expect(missing.stderr).toContain('--sku needs a value (--sku SKU), got the flag --node');
    const atEnd = await cli('positions', '--node');
    expect(atEnd.stderr).toContain('--node needs a value: --node NODE.');
    const switchValue = await cli('refresh', '--full=yes');
    expect(switchValue.stderr).toContain('--full is a switch and takes no value, got "yes".');
    const extra = await cli('positions', 'SKU-1');
    expect(extra.stderr).toContain('retailos positions takes no arguments, got "SKU-1".');
    for (const result of [missing, atEnd, switchValue, extra]) {
      expect(result.status).toBe(2);
      expect(result.stderr).not.toMatch(NODE_TEXT);
    }
  });
});

describe('typed flags', () => {
  it.each([
    [['serve', '--port', 'abc'], '--port takes a whole number from 0 to 65535, got "abc".'],
    [['serve', '--port', '70000'], '--port takes a whole number from 0 to 65535, got "70000".'],
    [['serve', '--port', '80.5'], '--port takes a whole number from 0 to 65535, got "80.5".'],
    [['exceptions', 'list', '--limit', '0'], '--limit takes a positive whole number, got "0".'],
    [
      ['replenish', 'simulate', '--from-db', '--target', '2'],
      '--target takes a fill rate above 0 and at most 0.9999',
    ],
    [
      ['replenish', 'simulate', '--from-db', '--lead-mean', '-1'],
      '--lead-mean takes a number above 0, got "-1".',
    ],
    [['positions', '--format', 'xml'], 'Unknown --format "xml": use table, json or csv.'],
    [['exceptions', 'list', '--type', 'overstock'], 'Unknown --type "overstock"'],
    [['exceptions', 'list', '--type', 'oversel'], 'Did you mean "oversell"?'],
    [['positions', '--as-of', 'yesterday'], '--as-of takes a timestamp in ISO-8601'],
    [['forecast', 'predict', '--as-of', '2025-02-30'], '--as-of takes a date YYYY-MM-DD, got "2025-02-30"'],
    [['forecast', 'train', '--kinds', 'node,store'], 'Unknown --kinds "store": use node or channel.'],
    [['keys', 'create', '--role', 'overlord', '--name', 'x'], 'Unknown --role "overlord"'],
  ])('%j', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(NODE_TEXT);
  });

  it('required flags and arguments are named with the usage', async () => {
    const noId = await cli('exceptions', 'ack');
    expect(noId.stderr).toContain('Say which exception: retailos exceptions ack ID');
    const noName = await cli('keys', 'create', '--role', 'admin');
    expect(noName.stderr).toContain('retailos keys create needs --name NAME.');
    const noAction = await cli('keys');
    expect(noAction.stderr).toMatch(/Say what to do: retailos keys create\|list\|revoke/);
    for (const result of [noId, noName, noAction]) expect(result.status).toBe(2);
  });
});

describe('help', () => {
  it('a subcommand has its own usage and only its own options', async () => {
    const result = await cli('exceptions', 'ack', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: retailos exceptions ack ID/);
    expect(result.stdout).toContain('--note TEXT');
    expect(result.stdout).toContain('--db PATH');
    expect(result.stdout).not.toContain('--severity');
    expect(result.stdout).not.toContain('--code');
  });

  it('a group lists its subcommands; help <command> <sub> is --help', async () => {
    const group = await cli('exceptions', '--help');
    expect(group.status).toBe(0);
    for (const sub of ['list', 'sync', 'ack', 'resolve', 'assign', 'reopen'])
      expect(group.stdout).toMatch(new RegExp(`^  ${sub} `, 'm'));
    expect(group.stdout).toMatch(/list .*\(the default\)/);
    const viaHelp = await cli('help', 'exceptions', 'ack');
    expect(viaHelp.stdout).toBe((await cli('exceptions', 'ack', '--help')).stdout);
    const flagsFirst = await cli('exceptions', '--db', 'w.duckdb', 'resolve', '-h');
    expect(flagsFirst.stdout).toMatch(/^Usage: retailos exceptions resolve ID/);
  });

  it('every command and subcommand prints help with a usage line and exits 0', async () => {
    const all = COMMANDS.flatMap((command) => paths(command));
    expect(all.length).toBeGreaterThan(COMMANDS.length);
    for (const path of all) {
      const result = await cli(...path, '--help');
      expect(result.status, path.join(' ')).toBe(0);
      expect(result.stdout, path.join(' ')).toMatch(new RegExp(`^Usage: retailos ${path.join(' ')}`));
      expect(result.stderr, path.join(' ')).toBe('');
    }
  });

  it('the main help lists every command', async () => {
    const result = await cli('--help');
    expect(result.status).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command.name} `, 'm'));
  });
});
