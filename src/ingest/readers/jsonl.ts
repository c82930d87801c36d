import { StringDecoder } from 'node:string_decoder';
import type { InputItem } from '../stage.ts';
import { openText } from './open.ts';
import type { InputChunk, ReadContext } from './types.ts';

/** A line longer than this is rejected unread, so one runaway line cannot exhaust memory. */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** How much of an oversized line is kept on its reject row. */
const KEPT_OF_OVERSIZED = 4096;

/**
 * Reads JSON Lines from a file (or stdin for '-'), one item per non-blank
 * line, chunk by chunk: memory stays bounded by the chunk size whatever the
 * file size. Parsing happens later, in staging, so a malformed line becomes a
 * reject with its line number instead of stopping the file.
 */
export async function* readJsonl(context: ReadContext): AsyncIterable<InputChunk> {
  const { stream, bytesRead } = openText(context.path);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let carryOversized = false;
  let lineNumber = 0;
  const take = (text: string, items: InputItem[], oversized: boolean): void => {
    lineNumber++;
    let line = text.endsWith('\r') ? text.slice(0, -1) : text;
    // A byte-order mark some editors write at the start of a UTF-8 file is not part of the JSON.
    if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (oversized || line.length > MAX_LINE_CHARS) {
      items.push(oversizedItem(line, lineNumber));
    } else if (line.trim() !== '') {
      items.push({ line: lineNumber, raw: line });
    }
  };
  for await (const chunk of stream) {
    const text = carry + decoder.write(chunk as Buffer);
    const items: InputItem[] = [];
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      take(text.slice(start, newline), items, carryOversized && start === 0);
      carryOversized = false;
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_CHARS) {
      // Keep only the head of a runaway line; the rest is skipped up to its end.
      carry = carry.slice(0, KEPT_OF_OVERSIZED);
      carryOversized = true;
    }
    if (items.length > 0) yield { items, position: bytesRead() };
  }
  const rest = carry + decoder.end();
  if (rest !== '') {
    const items: InputItem[] = [];
    take(rest, items, carryOversized);
    if (items.length > 0) yield { items, position: bytesRead() };
  }
}

function oversizedItem(head: string, line: number): InputItem {
  return {
    line,
    raw: head.slice(0, KEPT_OF_OVERSIZED),
    readError: {
      path: '',
      code: 'line_too_long',
      message: `line longer than ${MAX_LINE_CHARS} characters; only its first ${KEPT_OF_OVERSIZED} are kept`,
    },
  };
}
