import { main } from './main.ts';

// Entry point for the `retailos` binary: real streams, real exit code.
// An unexpected error (a bug, not a user mistake) keeps its stack trace.

// A reader that stops early (`retailos replenish explain ID | head`) closes the pipe: the rest of the output
// has nowhere to go, which is not an error. The command still finishes (a write it started completes).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
