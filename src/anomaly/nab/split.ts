import { createHash } from 'node:crypto';

/**
 * The tuning protocol's fixed split of NAB's files (docs/anomalies.md): a file belongs to the selection
 * half when the first byte of sha256(relative path) is even, else to the held-out half. Settings are chosen
 * on the selection half only; the held-out half and the whole corpus are reported.
 */
export type NabHalf = 'selection' | 'held-out';

export function nabHalf(relativePath: string): NabHalf {
  return createHash('sha256').update(relativePath).digest()[0]! % 2 === 0 ? 'selection' : 'held-out';
}
