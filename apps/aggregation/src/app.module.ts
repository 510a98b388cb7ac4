import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import { AGGREGATION_SETTINGS, type AggregationSettings } from './config/aggregation.config';
import { AGGREGATION } from './config/service';
import { CountFamiliesConsumer } from './indicators/count-families.consumer';
import { RegionPublisher } from './indicators/region-publisher';

export function aggregationModule(config: BaseConfig, settings: AggregationSettings, protector: Protector) {
  @Module({
    imports: [PlatformModule.forService(AGGREGATION, config)],
    controllers: [CountFamiliesConsumer],
    providers: [{ provide: AGGREGATION_SETTINGS, useValue: settings }, { provide: PROTECTOR, useValue: protector }, RegionPublisher],
  })
  class AggregationModule {}
  return AggregationModule;
}
