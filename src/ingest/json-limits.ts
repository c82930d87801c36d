/**
 * Bounds on the shape of JSON text, checked by one cheap pass over the characters BEFORE anything parses
 * it. `JSON.parse` itself copes with deep nesting, but what comes after does not: `JSON.stringify`,
 * structured clone and schema checks recurse, so a 200 KB array nested 100,000 deep overflows the stack
 * of whichever thread touches it. Huge strings, numbers and containers cost memory and time out of all
 * proportion to an event. No event of the contract comes near these bounds; they stop abuse, not data.
 */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects (an event is 1, its `lines` 2, a line 3). */
  maxDepth: number;
  /** Longest string (key or value), in characters as written (escapes count as written). */
  maxStringChars: number;
  /** Longest number literal, in characters. */
  maxNumberChars: number;
  /** Most members of one object. */
  maxKeys: number;
  /** Most elements of one array. */
  maxItems: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = {
  maxDepth: 32,
  maxStringChars: 65_536,
  maxNumberChars: 64,
  maxKeys: 1_000,
  maxItems: 100_000,
};

/** What bound a text breaks, and where (0-based character offset). */
export interface JsonLimitProblem {
  code: 'too_deep' | 'string_too_long' | 'number_too_long' | 'too_many_keys' | 'too_many_items';
  message: string;
  offset: number;
  /** Nesting level where it was found (1 = inside the outermost array or object). */
  depth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function isNumberChar(code: number): boolean {
  // 0-9 . - + e E
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x2d ||
    code === 0x2b ||
    (code | 0x20) === 0x65
  );
}

/**
 * The first bound `text` breaks, or undefined. Not a validator: malformed JSON within the bounds passes
 * (the parser reports it with a better message); the pass is linear and allocates nothing but a stack of
 * `maxDepth` counters.
 */
export function checkJsonLimits(
  text: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): JsonLimitProblem | undefined {
  const members = new Uint32Array(limits.maxDepth + 1);
  const isObject = new Uint8Array(limits.maxDepth + 1);
  const length = text.length;
  let depth = 0;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const start = index;
      index++;
      while (index < length) {
        const inner = text.charCodeAt(index);
        if (inner === QUOTE) break;
        index += inner === BACKSLASH ? 2 : 1;
      }
      const chars = index - start - 1;
      if (chars > limits.maxStringChars) {
        return {
          code: 'string_too_long',
          message: `a string of ${chars} characters at offset ${start} (at most ${limits.maxStringChars})`,
          offset: start,
          depth,
        };
      }
      index++;
      continue;
    }
    if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth++;
      if (depth > limits.maxDepth) {
        return {
          code: 'too_deep',
          message: `nesting deeper than ${limits.maxDepth} levels at offset ${index}`,
          offset: index,
          depth,
        };
      }
      members[depth] = 1;
      isObject[depth] = code === OPEN_OBJECT ? 1 : 0;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      if (depth > 0) depth--;
    } else if (code === COMMA) {
      if (depth > 0) {
        const count = ++members[depth]!;
        const object = isObject[depth] === 1;
        const max = object ? limits.maxKeys : limits.maxItems;
        if (count > max) {
          return object
            ? {
                code: 'too_many_keys',
                message: `an object with more than ${max} members at offset ${index}`,
                offset: index,
                depth,
              }
            : {
                code: 'too_many_items',
                message: `an array with more than ${max} elements at offset ${index}`,
                offset: index,
                depth,
              };
        }
      }
    } else if (isNumberChar(code)) {
      const start = index;
      while (index + 1 < length && isNumberChar(text.charCodeAt(index + 1))) index++;
      const chars = index - start + 1;
      if (chars > limits.maxNumberChars) {
        return {
          code: 'number_too_long',
          message: `a number of ${chars} characters at offset ${start} (at most ${limits.maxNumberChars})`,
          offset: start,
          depth,
        };
      }
    }
    index++;
  }
  return undefined;
}
