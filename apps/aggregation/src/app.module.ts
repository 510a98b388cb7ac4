import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { AGGREGATION_SETTINGS, type AggregationSettings } from './config/aggregation.config';
import { AGGREGATION } from './config/service';
import { CountFamiliesConsumer } from './indicators/count-families.consumer';
import { RegionPublisher } from './indicators/region-publisher';

export function aggregationModule(config: BaseConfig, settings: AggregationSettings) {
  @Module({
    imports: [PlatformModule.forService(AGGREGATION, config)],
    controllers: [CountFamiliesConsumer],
    providers: [{ provide: AGGREGATION_SETTINGS, useValue: settings }, RegionPublisher],
  })
  class AggregationModule {}
  return AggregationModule;
}
