/**
 * "Did you mean": the closest known name to a mistyped one, by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours, each costing 1), or the known name it abbreviates or extends.
 */

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name `input` most likely meant, or undefined when none is close: at most one edit for short
 * names, a third of the length for longer ones; else a known name that starts with it or that it starts with
 * (`exc` → `exceptions`, `replenishment` → `replenish`), when only one does.
 */
export function closest(input: string, known: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  if (typed === '') return undefined;
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const distance = editDistance(typed, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  if (typed.length < 3) return undefined;
  const related = known.filter((name) => {
    const lower = name.toLowerCase();
    return lower.startsWith(typed) || typed.startsWith(lower);
  });
  return related.length === 1 ? related[0] : undefined;
}
