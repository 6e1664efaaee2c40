import { Module } from '@nestjs/common';
import { CredentialsModule } from '@castellan/credentials';
import { EnvironmentsModule } from '@castellan/environments';
import { DecisionController } from './decision.controller.js';
import { SimulationController } from './simulation.controller.js';
import { DecisionService } from './decision.service.js';

@Module({
  imports: [CredentialsModule, EnvironmentsModule],
  controllers: [DecisionController, SimulationController],
  providers: [DecisionService],
  exports: [DecisionService],
})
export class DecisionsModule {}
