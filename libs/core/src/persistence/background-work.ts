/**
 * Work that runs after its request has been answered (audit writes, leak reports). It is tracked so that
 * shutdown, and tests, can wait until all of it has ended.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

  /** Starts `work`; `onError` sees whatever it throws, so nothing is left unhandled. */
  run(work: () => Promise<void>, onError: (error: unknown) => void): void {
    const promise = work()
      .catch(onError)
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  /** Resolves when every piece of work started so far, and any it started in turn, has ended. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
