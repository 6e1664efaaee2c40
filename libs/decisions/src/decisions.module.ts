import { Module } from '@nestjs/common';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { DecisionService } from './decision.service.js';

@Module({
  imports: [CredentialsModule, EnvironmentsModule],
  providers: [DecisionService],
  exports: [DecisionService],
})
export class DecisionsModule {}
