import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Reads that a MySQL read replica may answer (DATABASE_REPLICA_URLS): read-only requests whose answer gates no
 * write, so that a replica's lag can only make an answer late, never a change wrong. Everything else reads
 * the primary. `work` gets a manager on one replica connection, held until `work` ends, and must make every
 * query through it: a second connection taken meanwhile could wait on a full pool. Without replicas, TypeORM
 * hands out a primary connection (MySQL) or the one connection (SQLite), so the same code runs everywhere.
 */
@Injectable()
export class ReplicaReader {
  private readonly logger = new Logger(ReplicaReader.name);
  private replicasDown = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = await this.runner();
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /** While no replica can be reached, the primary answers: it holds everything a replica does, and more. */
  private async runner(): Promise<QueryRunner> {
    const replica = this.dataSource.createQueryRunner('slave');
    if (!this.dataSource.driver.isReplicated) return replica;
    try {
      await replica.connect();
      if (this.replicasDown) this.logger.log('A read replica answers again; reads go to the replicas');
      this.replicasDown = false;
      return replica;
    } catch (error) {
      await replica.release();
      if (!this.replicasDown) this.logger.warn(`No read replica can be reached, reads go to the primary: ${(error as Error).message}`);
      this.replicasDown = true;
      return this.dataSource.createQueryRunner('master');
    }
  }
}
