import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { ELIGIBILITY_SETTINGS, type EligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';
import { EvaluateEligibilityConsumer } from './decisions/evaluate-eligibility.consumer';

export function eligibilityModule(config: BaseConfig, settings: EligibilitySettings) {
  @Module({
    imports: [PlatformModule.forService(ELIGIBILITY, config)],
    controllers: [EvaluateEligibilityConsumer],
    providers: [{ provide: ELIGIBILITY_SETTINGS, useValue: settings }],
  })
  class EligibilityModule {}
  return EligibilityModule;
}
