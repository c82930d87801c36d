import { describe, expect, it } from 'vitest';
import {
  decodeUtf8,
  escapeInvalidUtf8,
  escapeUnsafe,
  findInvalidUtf8,
  findLoneSurrogate,
} from '../../../src/contracts/index.ts';
import { seededRandom } from '../ledger/generator.ts';

const strict = new TextDecoder('utf-8', { fatal: true });

function isStrictUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('UTF-8 checks for bytes (files and HTTP bodies)', () => {
  it('agree with a strict decoder on 20,000 random byte strings biased towards tricky sequences', () => {
    const random = seededRandom(15);
    const pieces = [
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0x80],
      [0xf4, 0x90],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xc3, 0xa9],
      [0x41],
      [0xef, 0xbf, 0xbd],
      [0xff],
      [0x80],
      [0xe2, 0x82, 0xac],
    ];
    for (let round = 0; round < 20_000; round++) {
      const bytes = Uint8Array.from(
        Array.from(
          { length: 1 + Math.floor(random() * 6) },
          () => pieces[Math.floor(random() * pieces.length)]!,
        ).flat(),
      );
      const problem = findInvalidUtf8(bytes);
      expect(problem === undefined, Buffer.from(bytes).toString('hex')).toBe(isStrictUtf8(bytes));
      if (problem) {
        // everything before the reported offset is valid, and the offset starts the bad sequence
        expect(isStrictUtf8(bytes.subarray(0, problem.offset))).toBe(true);
        expect(problem.bytes[0]).toBe(bytes[problem.offset]);
      } else {
        expect(escapeInvalidUtf8(bytes)).toBe(Buffer.from(bytes).toString('utf8'));
      }
    }
  });

  it('decodes strictly, names the first bad byte, and shows bad bytes as \\xNN', () => {
    expect(decodeUtf8(Buffer.from('héllo 😀'))).toEqual({ ok: true, text: 'héllo 😀' });
    const bad = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62, 0xff]);
    expect(decodeUtf8(bad)).toEqual({
      ok: false,
      problem: {
        offset: 1,
        bytes: Buffer.from([0xed, 0xa0, 0x80]),
        message: 'invalid UTF-8 at byte 1: 0xed 0xa0 0x80',
      },
    });
    expect(escapeInvalidUtf8(bad)).toBe('a\\xed\\xa0\\x80b\\xff');
  });
});

describe('strings', () => {
  it('escapeUnsafe leaves printable text alone and escapes lone surrogates and control characters', () => {
    expect(escapeUnsafe('SKU-1 \\ Ü 😀')).toBe('SKU-1 \\ Ü 😀');
    expect(escapeUnsafe('a\\b\ud800\u0000\u0085')).toBe('a\\\\b\\ud800\\u0000\\u0085');
  });

  it('findLoneSurrogate walks keys and values without recursion, and ignores surrogate pairs', () => {
    let deep: unknown = 'x\ud800';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findLoneSurrogate(deep)).toHaveLength(100_000);
    expect(findLoneSurrogate({ a: ['😀', { b: 'ok' }] })).toBeUndefined();
    expect(findLoneSurrogate({ a: [1, { 'k\udc00': 1 }] })).toEqual(['a', 1, 'k\udc00']);
  });
});
