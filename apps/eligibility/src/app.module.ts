import { Module } from '@nestjs/common';
import { DATA_SOURCE, PlatformModule, type BaseConfig } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { DailyReevaluation } from './backfill/daily-reevaluation';
import { ELIGIBILITY_SETTINGS, type EligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';
import { EvaluateEligibilityConsumer } from './decisions/evaluate-eligibility.consumer';
import { ProgrammeCatalog } from './programmes/programme-catalog';

export function eligibilityModule(config: BaseConfig, settings: EligibilitySettings, protector: Protector) {
  @Module({
    imports: [PlatformModule.forService(ELIGIBILITY, config)],
    controllers: [EvaluateEligibilityConsumer],
    providers: [
      { provide: ELIGIBILITY_SETTINGS, useValue: settings },
      { provide: PROTECTOR, useValue: protector },
      {
        provide: ProgrammeCatalog,
        inject: [DATA_SOURCE],
        useFactory: async (db: DataSource) => {
          const catalog = new ProgrammeCatalog(db);
          await catalog.seed(settings.programmes);
          return catalog;
        },
      },
      DailyReevaluation,
    ],
  })
  class EligibilityModule {}
  return EligibilityModule;
}
