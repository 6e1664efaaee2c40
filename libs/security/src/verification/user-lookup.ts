import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '@castellan/people';

/**
 * Reads the users table for the one fact this library needs: a user of this account and their email.
 * UsersModule's UserRepository.findById(accountId, userId) can replace it once that module exports it.
 */
@Injectable()
export class UserLookup {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(accountId: string, userId: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { accountId, id: userId } });
  }
}
