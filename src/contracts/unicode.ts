/**
 * Text rules of the contract, in one place: which characters a string may hold, how a bad one is named in a
 * message, and how bytes that are not UTF-8 are found and shown.
 *
 * Why: the log stores events as JSON text and the warehouse reads it with DuckDB. A lone UTF-16 surrogate
 * (`"SKU-\ud800"` in JSON) survives `JSON.parse` and `JSON.stringify` in JavaScript, but DuckDB refuses the
 * stored text ("Malformed JSON … no low surrogate") and its appender turns it into U+FFFD, so `…\ud800`,
 * `…\udfff` and `…\ufffd` would become one id. Control characters in ids break CSV exports, logs and terminals;
 * NUL cuts C strings. Invalid UTF-8 bytes silently decoded as U+FFFD lose data. So:
 *
 * - every string of an event must be well-formed Unicode (no lone surrogate), keys of free-form objects too;
 * - identifiers (ids, source, actor) must not hold control characters (Unicode category Cc: U+0000–U+001F,
 *   U+007F–U+009F) and must not be blank;
 * - free text (names, notes, reasons) may hold tab, line feed and carriage return, no other control character;
 * - input bytes must be valid UTF-8; an invalid line is refused whole, its bytes kept for the reject.
 *
 * Nothing is stripped or replaced: the contract never transforms a value, it accepts it as sent or refuses it.
 */
import { isUtf8 } from 'node:buffer';

/** A lone surrogate (a surrogate pair is one code point with the `u` flag, so it never matches). */
const LONE_SURROGATE_RE = /\p{Cs}/u;
/** Any control character (C0, DEL, C1). */
const CONTROL_RE = /\p{Cc}/u;
/** A control character other than tab, line feed and carriage return. */
const CONTROL_IN_TEXT_RE = /[^\P{Cc}\t\n\r]/u;
const ID_FORBIDDEN_RE = /[\p{Cs}\p{Cc}]/u;
const TEXT_FORBIDDEN_RE = /\p{Cs}|[^\P{Cc}\t\n\r]/u;

/** What kind of string a rule applies to. */
export type TextKind = 'identifier' | 'text';

/** `U+D800` for a UTF-16 code unit or code point. */
export function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` may not be stored as an identifier (`'identifier'`) or free text (`'text'`), or `undefined`
 * when it may. Cheap when the value is fine (one regular-expression test).
 */
export function characterProblem(value: string, kind: TextKind): string | undefined {
  if (!(kind === 'identifier' ? ID_FORBIDDEN_RE : TEXT_FORBIDDEN_RE).test(value)) return undefined;
  const surrogate = LONE_SURROGATE_RE.exec(value);
  if (surrogate) {
    return `not valid Unicode: lone surrogate ${codePointName(surrogate[0].charCodeAt(0))} at character ${surrogate.index + 1}`;
  }
  const control = (kind === 'identifier' ? CONTROL_RE : CONTROL_IN_TEXT_RE).exec(value);
  if (control) {
    return `control character ${codePointName(control[0].charCodeAt(0))} at character ${control.index + 1}`;
  }
  return undefined;
}

/** True when `value` holds a lone surrogate (is not well-formed UTF-16, so has no UTF-8 form). */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE_RE.test(value);
}

const UNSAFE_RE = /[\p{Cs}\p{Cc}\\]/gu;

/**
 * `value` unchanged when it holds no lone surrogate and no control character; otherwise with those written as
 * `\uXXXX` (and `\` as `\\`, so the escaped form is unambiguous). For ids and paths quoted on rejects: they
 * can be stored and shown although what was received is neither valid nor printable.
 */
export function escapeUnsafe(value: string): string {
  if (!ID_FORBIDDEN_RE.test(value)) return value;
  return value.replace(UNSAFE_RE, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Where the first string of a JSON value (keys included) with a lone surrogate is, as a path below the value,
 * or `undefined` when there is none. Iterative, so a deeply nested value cannot overflow the stack.
 */
export function findLoneSurrogate(value: unknown): (string | number)[] | undefined {
  // Each entry links to its parent, so a path is built only for the string found (copying paths at every
  // level would cost depth² on a deep value).
  interface Entry {
    node: unknown;
    key: string | number | undefined;
    parent: Entry | undefined;
  }
  const pathOf = (entry: Entry | undefined, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = entry; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [{ node: value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node } = entry;
    if (typeof node === 'string') {
      if (LONE_SURROGATE_RE.test(node)) return pathOf(entry);
    } else if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--) {
        stack.push({ node: node[index], key: index, parent: entry });
      }
    } else if (typeof node === 'object' && node !== null) {
      const keys = Object.keys(node);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        if (LONE_SURROGATE_RE.test(key)) return pathOf(entry, key);
        stack.push({ node: (node as Record<string, unknown>)[key], key, parent: entry });
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// bytes

/** Where bytes stop being UTF-8. */
export interface Utf8Problem {
  /** 0-based offset of the first invalid byte. */
  offset: number;
  /** The offending bytes (the invalid sequence, at most 4). */
  bytes: Uint8Array;
  /** `invalid UTF-8 at byte 17: 0xff` */
  message: string;
}

/** Length of the valid UTF-8 sequence starting at `at`, or 0 when the bytes there are not valid UTF-8. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const b0 = bytes[at]!;
  if (b0 < 0x80) return 1;
  const continuation = (offset: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[at + offset];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // E0: no overlong forms; ED: no surrogates (U+D800..U+DFFF encoded in UTF-8 is invalid, CESU-8)
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/** The first place `bytes` are not valid UTF-8, or `undefined` when they are (fast: SIMD check first). */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  if (isUtf8(bytes)) return undefined;
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    // The invalid sequence: the lead byte and the continuation bytes that follow it (at most 4 in all).
    let end = at + 1;
    while (end < bytes.length && end - at < 4 && bytes[end]! >= 0x80 && bytes[end]! <= 0xbf) end++;
    const bad = bytes.subarray(at, end);
    const shown = Array.from(bad, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    return { offset: at, bytes: bad, message: `invalid UTF-8 at byte ${at}: ${shown}` };
  }
  return undefined;
}

/**
 * `bytes` as text, every byte that is not part of valid UTF-8 written as `\xNN`: how an input that is not
 * UTF-8 is shown on its reject (readable where it can be; the exact bytes are kept base64-encoded beside).
 */
export function escapeInvalidUtf8(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    out += Buffer.from(bytes.buffer, bytes.byteOffset + start, at - start).toString('utf8');
    out += `\\x${bytes[at]!.toString(16).padStart(2, '0')}`;
    at++;
    start = at;
  }
  return out + Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('utf8');
}

export type Utf8Decoded = { ok: true; text: string } | { ok: false; problem: Utf8Problem };

/**
 * Decodes UTF-8 strictly: the text, or where the bytes stop being UTF-8 (never a silent U+FFFD). A leading
 * byte-order mark is kept (callers that allow one strip it). For HTTP bodies and files alike.
 */
export function decodeUtf8(bytes: Uint8Array): Utf8Decoded {
  const problem = findInvalidUtf8(bytes);
  if (problem) return { ok: false, problem };
  return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') };
}
