import { type EventColumns, emptyColumns, pushEvent, type StagedReject } from '../warehouse/landing.ts';
import { type InputItem, isReject, stageItem } from './stage.ts';

/** A chunk of input after validation: landable events (as columns) and rejects. */
export interface StagedChunk {
  events: EventColumns;
  rejects: StagedReject[];
}

/** Validates a chunk of input on the calling thread. */
export function stageChunk(items: readonly InputItem[]): StagedChunk {
  const events = emptyColumns();
  const rejects: StagedReject[] = [];
  for (const item of items) {
    const staged = stageItem(item);
    if (isReject(staged)) rejects.push(staged);
    else pushEvent(events, staged);
  }
  return { events, rejects };
}

/** Validates JSON Lines given as parallel arrays (what travels to a staging worker). */
export function stageLines(lines: Float64Array, raws: readonly string[]): StagedChunk {
  const items: InputItem[] = new Array(raws.length);
  for (let index = 0; index < raws.length; index++) {
    const line = lines[index]!;
    items[index] = { raw: raws[index]!, line: Number.isNaN(line) ? undefined : line };
  }
  const chunk = stageChunk(items);
  // Typed arrays cross the thread boundary by transfer, not by copy.
  chunk.events.occurredUs = Float64Array.from(chunk.events.occurredUs);
  chunk.events.line = Float64Array.from(chunk.events.line);
  return chunk;
}
