import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { VALIDATION } from './config/service';
import { ValidateSubmissionConsumer } from './validate/validate-submission.consumer';

export function validationModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(VALIDATION, config)],
    controllers: [ValidateSubmissionConsumer],
  })
  class ValidationModule {}
  return ValidationModule;
}
