import { parentPort } from 'node:worker_threads';
import { stageBody } from './body-staging.ts';
import type { StageTask } from './stage-pool.ts';
import { stageLines } from './staging.ts';

/**
 * A staging worker: validates JSON Lines (CLI ingest) or a request body (HTTP ingest) off the main thread,
 * one task at a time. An error of a task is answered as that task's error; the worker stays in service.
 */
parentPort!.on('message', (task: StageTask) => {
  try {
    const result =
      task.kind === 'lines' ? stageLines(task.lines, task.raws) : stageBody(task.text, task.maxEvents);
    const events = 'events' in result ? result.events : undefined;
    // Typed arrays cross the thread boundary by transfer, not by copy.
    const transfer = events
      ? [events.occurredUs, events.line]
          .filter((column): column is Float64Array => column instanceof Float64Array)
          .map((column) => column.buffer as ArrayBuffer)
      : [];
    parentPort!.postMessage({ result }, transfer);
  } catch (error) {
    parentPort!.postMessage({
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
});

// Loaded and listening: the pool counts this worker healthy from now on.
parentPort!.postMessage({ ready: true });
