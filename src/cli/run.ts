import { main } from './main.ts';

// Entry point for the `retailos` binary: real streams, real exit code.
// An unexpected error (a bug, not a user mistake) keeps its stack trace.
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
