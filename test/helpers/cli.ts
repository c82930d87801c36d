/**
 * Runs a CLI command in-process the way `retailos <command> …` does (src/cli/dispatch.ts: subcommands, typed
 * flags, help), with its output captured.
 */
import { Writable } from 'node:stream';
import type { Command, CommandIo } from '../../src/cli/command.ts';
import { invoke, runCommand } from '../../src/cli/dispatch.ts';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** User mistakes become `retailos <command>: message` on stderr and an exit code, as in main.ts. */
export async function runCli(
  command: Command,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const status = await runCommand(command, argv, { stdout, stderr, env });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** Like runCli, but a user mistake is thrown (to assert on its class). */
export async function invokeCli(
  command: Command,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const io: CommandIo = { stdout: new Capture(), stderr: new Capture(), env };
  const status = await invoke(command, argv, io);
  return { status, stdout: (io.stdout as Capture).text, stderr: (io.stderr as Capture).text };
}
