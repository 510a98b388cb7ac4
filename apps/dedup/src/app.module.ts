import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { DEDUP } from './config/service';
import { RegisterFamilyConsumer } from './registry/register-family.consumer';

export function dedupModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(DEDUP, config)],
    controllers: [RegisterFamilyConsumer],
  })
  class DedupModule {}
  return DedupModule;
}
