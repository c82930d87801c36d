/**
 * A mutex for the warehouse's one write connection: every write the server
 * makes (landing events, key changes, later scheduled jobs) runs inside
 * `exclusive`, one after another, so transactions never interleave on the
 * connection.
 */
export class SerialWriter {
  private tail: Promise<unknown> = Promise.resolve();

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
