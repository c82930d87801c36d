import { isUtf8 } from 'node:buffer';
import { findInvalidUtf8 } from '../../contracts/unicode.ts';
import type { InputItem } from '../stage.ts';
import { invalidEncodingItem } from './encoding.ts';
import { openText } from './open.ts';
import type { InputChunk, ReadContext } from './types.ts';

/** A line longer than this many bytes is rejected unread, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** How much of an oversized line is kept on its reject row (bytes). */
const KEPT_OF_OVERSIZED = 4096;

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads JSON Lines from a file (or stdin for '-'), one item per non-blank
 * line, chunk by chunk: memory stays bounded by the chunk size whatever the
 * file size. Lines are split on bytes and decoded one by one, so a line that
 * is not UTF-8 is refused on its own (with its bytes kept) instead of being
 * decoded to U+FFFD. Parsing happens later, in staging, so a malformed line
 * becomes a reject with its line number instead of stopping the file.
 */
export async function* readJsonl(context: ReadContext): AsyncIterable<InputChunk> {
  const { stream, bytesRead } = openText(context.path);
  let carry: Buffer = Buffer.alloc(0);
  let carryOversized = false;
  let lineNumber = 0;
  const take = (bytes: Buffer, items: InputItem[], oversized: boolean, known: boolean): void => {
    lineNumber++;
    let start = 0;
    let end = bytes.length;
    if (end > start && bytes[end - 1] === CR) end--;
    // A byte-order mark some editors write at the start of a UTF-8 file is not part of the JSON.
    if (lineNumber === 1 && BOM.every((byte, index) => bytes[index] === byte)) start = 3;
    const line = bytes.subarray(start, end);
    if (oversized || line.length > MAX_LINE_BYTES) {
      items.push(oversizedItem(line, lineNumber));
      return;
    }
    // `known`: the whole region holding this line was checked at once (the common, all-valid case).
    if (!known && !isUtf8(line)) {
      const problem = findInvalidUtf8(line)!;
      items.push(invalidEncodingItem(line, problem, lineNumber));
      return;
    }
    const text = line.toString('utf8');
    if (text.trim() !== '') items.push({ line: lineNumber, raw: text });
  };
  for await (const chunk of stream) {
    const buffer = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
    const lastNewline = buffer.lastIndexOf(NEWLINE);
    const items: InputItem[] = [];
    if (lastNewline !== -1) {
      const allValid = isUtf8(buffer.subarray(0, lastNewline));
      let start = 0;
      let newline = buffer.indexOf(NEWLINE, start);
      while (newline !== -1 && newline <= lastNewline) {
        take(buffer.subarray(start, newline), items, carryOversized && start === 0, allValid);
        carryOversized = false;
        start = newline + 1;
        newline = buffer.indexOf(NEWLINE, start);
      }
      carry = buffer.subarray(start);
    } else {
      carry = buffer;
    }
    if (carry.length > MAX_LINE_BYTES) {
      // Keep only the head of a runaway line; the rest is skipped up to its end.
      carry = Buffer.from(carry.subarray(0, KEPT_OF_OVERSIZED));
      carryOversized = true;
    }
    if (items.length > 0) yield { items, position: bytesRead() };
  }
  if (carry.length > 0) {
    const items: InputItem[] = [];
    take(carry, items, carryOversized, false);
    if (items.length > 0) yield { items, position: bytesRead() };
  }
}

function oversizedItem(head: Buffer, line: number): InputItem {
  const kept = head.subarray(0, KEPT_OF_OVERSIZED);
  return {
    line,
    // Cut on a byte boundary: a character split at the cut shows as U+FFFD on this reject only.
    raw: kept.toString('utf8'),
    readError: {
      path: '',
      code: 'line_too_long',
      message: `line longer than ${MAX_LINE_BYTES} bytes; only its first ${KEPT_OF_OVERSIZED} bytes are kept`,
    },
  };
}
