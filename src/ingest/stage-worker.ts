import { parentPort } from 'node:worker_threads';
import { stageLines } from './staging.ts';

/** A staging worker: validates chunks of JSON Lines off the main thread. */
parentPort!.on('message', (message: { id: number; lines: Float64Array; raws: string[] }) => {
  const chunk = stageLines(message.lines, message.raws);
  const transfer = [chunk.events.occurredUs, chunk.events.line]
    .filter((column): column is Float64Array => column instanceof Float64Array)
    .map((column) => column.buffer as ArrayBuffer);
  parentPort!.postMessage({ id: message.id, chunk }, transfer);
});
