/**
 * NAB-style post-processing, streaming: after a score ≥ `level`, the next `points` points report 0, so
 * one event raises one alarm (the event's own tail does not count again). The rest follows the scores
 * before suppression, as CAD's "rest period" does: a long event keeps itself quiet.
 */
export class RestPeriod {
  private last = Number.NEGATIVE_INFINITY;
  private t = 0;

  constructor(
    private readonly points: number,
    private readonly level: number,
  ) {}

  apply(score: number): number {
    const t = this.t++;
    const out = t - this.last <= this.points ? 0 : score;
    if (score >= this.level) this.last = t;
    return out;
  }

  applyAll(scores: Float32Array | Float64Array): void {
    for (let i = 0; i < scores.length; i++) scores[i] = this.apply(scores[i]!);
  }
}
