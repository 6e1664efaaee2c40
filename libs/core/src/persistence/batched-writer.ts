import { BeforeApplicationShutdown, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TransactionRunner } from './transaction-runner.js';

/**
 * Writes that requests cause without waiting for them (last uses of keys, key usage counts). A subclass
 * collects them in memory on the request path; they are written in one transaction per interval, before
 * shutdown, and once more after the HTTP server has closed, for requests that were still in flight. Writes
 * run one at a time. A failed write is logged once per outage, and its batch goes to `restore`.
 */
export abstract class BatchedWriter<T> implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  private failing = false;

  protected constructor(
    private readonly transactions: TransactionRunner,
    private readonly intervalMs: number,
    /** What is written, for the log: "last uses of keys". */
    private readonly what: string,
  ) {}

  /** Takes everything collected so far, leaving nothing; an empty array when nothing was. */
  protected abstract take(): T[];

  /** Writes one batch, inside the flush's transaction. */
  protected abstract write(manager: EntityManager, batch: T[]): Promise<void>;

  /** A batch whose transaction failed. By default it is dropped. */
  protected restore(_batch: T[]): void {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** Writes what has collected; exposed so tests need not wait for the interval. Rejects when the write failed. */
  flush(): Promise<void> {
    return this.exclusive(async () => {
      const batch = this.take();
      if (batch.length === 0) return;
      try {
        await this.transactions.run((manager) => this.write(manager, batch));
      } catch (error) {
        this.restore(batch);
        if (!this.failing) new Logger(this.constructor.name).error(`Could not write ${this.what}: ${(error as Error).message}`);
        this.failing = true;
        throw error;
      }
      if (this.failing) new Logger(this.constructor.name).log(`Writes of ${this.what} succeed again`);
      this.failing = false;
    });
  }

  /** Runs `work` between flushes, never during one: what it reads of the database and of memory agree. */
  protected exclusive<R>(work: () => Promise<R>): Promise<R> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
