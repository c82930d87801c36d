/**
 * Nelder–Mead simplex minimisation (standard coefficients: reflection 1, expansion 2, contraction 0.5,
 * shrink 0.5). Small and derivative-free: enough for the 1–4 smoothing parameters of a model fit.
 */
export interface NelderMeadOptions {
  maxEvaluations?: number;
  /** Stop when the spread of function values over the simplex is below this. */
  tolerance?: number;
  /** Initial step along each axis. */
  step?: number;
}

export interface Minimum {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  options: NelderMeadOptions = {},
): Minimum {
  const maxEvaluations = options.maxEvaluations ?? 200 * start.length;
  const tolerance = options.tolerance ?? 1e-8;
  const step = options.step ?? 0.5;
  const n = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const value = f(x);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  const simplex: { x: number[]; value: number }[] = [{ x: [...start], value: evaluate(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, value: evaluate(x) });
  }
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]!.x[j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = along(-1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(-2);
      const expandedValue = evaluate(expanded);
      simplex[n] =
        expandedValue < reflectedValue
          ? { x: expanded, value: expandedValue }
          : { x: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < simplex[n - 1]!.value) {
      simplex[n] = { x: reflected, value: reflectedValue };
      continue;
    }
    const outside = reflectedValue < worst.value;
    const contracted = along(outside ? -0.5 : 0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : worst.value)) {
      simplex[n] = { x: contracted, value: contractedValue };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = simplex[i]!.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!));
      simplex[i] = { x, value: evaluate(x) };
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return { x: simplex[0]!.x, value: simplex[0]!.value, evaluations };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
