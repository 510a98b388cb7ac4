import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { VALIDATION } from './config/service';
import { VALIDATION_SETTINGS, type ValidationSettings } from './config/validation.config';
import { ValidateSubmissionConsumer } from './validate/validate-submission.consumer';

export function validationModule(config: BaseConfig, settings: ValidationSettings) {
  @Module({
    imports: [PlatformModule.forService(VALIDATION, config)],
    controllers: [ValidateSubmissionConsumer],
    providers: [{ provide: VALIDATION_SETTINGS, useValue: settings }],
  })
  class ValidationModule {}
  return ValidationModule;
}
