import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { AGGREGATION } from './config/service';
import { CountFamiliesConsumer } from './counts/count-families.consumer';

export function aggregationModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(AGGREGATION, config)],
    controllers: [CountFamiliesConsumer],
  })
  class AggregationModule {}
  return AggregationModule;
}
