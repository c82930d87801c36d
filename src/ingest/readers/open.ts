import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Bytes flow through a counter so progress is measured on the file, not the decompressed text. */
export interface CountedStream {
  stream: Readable;
  bytesRead: () => number;
}

/** Opens a file (or stdin for '-') for streaming, decompressing `.gz` on the fly. */
export function openText(filePath: string): CountedStream {
  const source: Readable =
    filePath === '-' ? process.stdin : fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  let bytes = 0;
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const stream = filePath.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  return { stream, bytesRead: () => bytes };
}
