import type { Hierarchy } from './hierarchy.ts';

/**
 * Level-aware reconciliation (weighted least squares, Hyndman et al.'s WLS): given base forecasts of any
 * nodes of the hierarchy, the coherent bottom forecasts b minimise Σ_i w_i (ŷ_i − S_i b)², i.e.
 * b = (Sᵀ W S)⁻¹ Sᵀ W ŷ, where S_i sums node i's bottom members. A node's weight is the trust in its
 * forecast: 1 / (its expected error variance). Nodes without a forecast get weight 0; the bottom level
 * must be forecast (else Sᵀ W S is singular). Every level above the bottom is then the sum of b.
 */
export function reconcileWls(
  hierarchy: Hierarchy,
  forecasts: readonly (ArrayLike<number> | undefined)[],
  weights: readonly number[],
): Float64Array[] {
  const n = hierarchy.bottom.length;
  const horizon = forecasts.find((f) => f !== undefined)?.length ?? 0;
  const a = new Float64Array(n * n); // Sᵀ W S
  const rhs = Array.from({ length: horizon }, () => new Float64Array(n)); // Sᵀ W ŷ per horizon
  hierarchy.nodes.forEach((node, i) => {
    const f = forecasts[i];
    const w = weights[i] ?? 0;
    if (!f || !(w > 0)) return;
    for (const p of node.members) {
      for (const q of node.members) a[p * n + q] = a[p * n + q]! + w;
      for (let h = 0; h < horizon; h++) rhs[h]![p] = rhs[h]![p]! + w * f[h]!;
    }
  });
  const l = cholesky(a, n);
  const bottom = Array.from({ length: n }, () => new Float64Array(horizon));
  for (let h = 0; h < horizon; h++) {
    const x = choleskySolve(l, n, rhs[h]!);
    for (let b = 0; b < n; b++) bottom[b]![h] = Math.max(0, x[b]!);
  }
  return bottom;
}

/** Lower-triangular L with A = L Lᵀ (A symmetric positive definite, row-major n × n). */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('reconciliation: the bottom level needs a forecast for every series');
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  return l;
}

export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}
