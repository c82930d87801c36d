import { escapeInvalidUtf8, type Utf8Problem } from '../../contracts/unicode.ts';
import type { IssueRecord } from '../../warehouse/landing.ts';
import type { InputItem } from '../stage.ts';

/** The error of an input that is not UTF-8: where it breaks, and the input's exact bytes (base64). */
export interface EncodingIssue extends IssueRecord {
  code: 'invalid_encoding';
  /** The input's exact bytes: the reject's `raw` shows them as text, which cannot hold every byte. */
  bytes_base64: string;
}

/** The issue recorded for `bytes` that are not UTF-8 (`problem` from `findInvalidUtf8`). */
export function encodingIssue(bytes: Uint8Array, problem: Utf8Problem, what: string): EncodingIssue {
  return {
    path: '',
    code: 'invalid_encoding',
    message:
      `${what} is not valid UTF-8 (${problem.message}); raw shows each invalid byte as \\xNN, ` +
      'bytes_base64 holds the exact bytes',
    bytes_base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'),
  };
}

/**
 * An input refused before parsing because its bytes are not UTF-8: decoding would have turned them into U+FFFD
 * silently and landed something the sender never wrote.
 */
export function invalidEncodingItem(
  bytes: Uint8Array,
  problem: Utf8Problem,
  line: number | undefined,
  what = 'the line',
): InputItem {
  return { line, raw: escapeInvalidUtf8(bytes), readError: encodingIssue(bytes, problem, what) };
}
