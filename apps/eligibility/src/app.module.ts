import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { ELIGIBILITY } from './config/service';
import { EvaluateEligibilityConsumer } from './decisions/evaluate-eligibility.consumer';

export function eligibilityModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(ELIGIBILITY, config)],
    controllers: [EvaluateEligibilityConsumer],
  })
  class EligibilityModule {}
  return EligibilityModule;
}
