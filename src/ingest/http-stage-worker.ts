import { parentPort } from 'node:worker_threads';
import { stageBody } from './http-ingest.ts';

/** An HTTP staging worker: parses and validates request bodies off the server's event loop. */
parentPort!.on('message', (message: { id: number; text: string; maxEvents: number }) => {
  const staged = stageBody(message.text, message.maxEvents);
  const transfer =
    'events' in staged
      ? [staged.events.occurredUs, staged.events.line]
          .filter((column): column is Float64Array => column instanceof Float64Array)
          .map((column) => column.buffer as ArrayBuffer)
      : [];
  parentPort!.postMessage({ id: message.id, staged }, transfer);
});
