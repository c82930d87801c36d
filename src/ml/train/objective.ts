/**
 * Training objectives: gradients and hessians of the loss with respect to the raw score F. Tweedie
 * and Poisson use a log link (prediction = exp(F)) — the usual choice for intermittent, zero-heavy
 * demand, and what most top M5 solutions trained with; `l2` is the identity link.
 */
export type ObjectiveName = 'tweedie' | 'poisson' | 'l2';

export interface Objective {
  name: ObjectiveName;
  /** Tweedie variance power (1 = Poisson, 2 = gamma). */
  power?: number;
  link: 'log' | 'identity';
  initScore(label: ArrayLike<number>, weight?: ArrayLike<number>): number;
  gradients(
    label: ArrayLike<number>,
    score: Float64Array,
    grad: Float64Array,
    hess: Float64Array,
    weight?: ArrayLike<number>,
  ): void;
  /** Mean loss (deviance) for early stopping; lower is better. */
  loss(label: ArrayLike<number>, score: ArrayLike<number>, weight?: ArrayLike<number>): number;
}

function weightedMean(label: ArrayLike<number>, weight?: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < label.length; i++) {
    const w = weight ? weight[i]! : 1;
    sum += w * label[i]!;
    total += w;
  }
  return total > 0 ? sum / total : 0;
}

export function tweedie(power = 1.2): Objective {
  const a = 1 - power;
  const b = 2 - power;
  return {
    name: 'tweedie',
    power,
    link: 'log',
    initScore: (label, weight) => Math.log(Math.max(1e-9, weightedMean(label, weight))),
    gradients(label, score, grad, hess, weight) {
      for (let i = 0; i < label.length; i++) {
        const y = label[i]!;
        const ea = Math.exp(a * score[i]!);
        const eb = Math.exp(b * score[i]!);
        const w = weight ? weight[i]! : 1;
        grad[i] = w * (-y * ea + eb);
        hess[i] = w * (-y * a * ea + b * eb);
      }
    },
    loss(label, score, weight) {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < label.length; i++) {
        const w = weight ? weight[i]! : 1;
        const s = score[i]!;
        sum += w * ((-label[i]! * Math.exp(a * s)) / a + Math.exp(b * s) / b);
        total += w;
      }
      return sum / total;
    },
  };
}

export function poisson(maxDeltaStep = 0.7): Objective {
  return {
    name: 'poisson',
    link: 'log',
    initScore: (label, weight) => Math.log(Math.max(1e-9, weightedMean(label, weight))),
    gradients(label, score, grad, hess, weight) {
      // LightGBM's safeguard: an inflated hessian keeps leaf steps small where the mean is near zero
      const bump = Math.exp(maxDeltaStep);
      for (let i = 0; i < label.length; i++) {
        const mu = Math.exp(score[i]!);
        const w = weight ? weight[i]! : 1;
        grad[i] = w * (mu - label[i]!);
        hess[i] = w * mu * bump;
      }
    },
    loss(label, score, weight) {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < label.length; i++) {
        const w = weight ? weight[i]! : 1;
        sum += w * (Math.exp(score[i]!) - label[i]! * score[i]!);
        total += w;
      }
      return sum / total;
    },
  };
}

export function l2(): Objective {
  return {
    name: 'l2',
    link: 'identity',
    initScore: (label, weight) => weightedMean(label, weight),
    gradients(label, score, grad, hess, weight) {
      for (let i = 0; i < label.length; i++) {
        const w = weight ? weight[i]! : 1;
        grad[i] = w * (score[i]! - label[i]!);
        hess[i] = w;
      }
    },
    loss(label, score, weight) {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < label.length; i++) {
        const w = weight ? weight[i]! : 1;
        const e = score[i]! - label[i]!;
        sum += w * e * e;
        total += w;
      }
      return sum / total;
    },
  };
}

export function objectiveFor(name: ObjectiveName, power?: number): Objective {
  if (name === 'tweedie') return tweedie(power);
  if (name === 'poisson') return poisson();
  return l2();
}
