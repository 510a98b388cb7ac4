import { Module } from '@nestjs/common';
import { CONFIG, PlatformModule, REDIS, type BaseConfig } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { Redis } from 'ioredis';
import { MATCH_SETTINGS } from './config/dedup.config';
import { DEDUP } from './config/service';
import { PersonIndex } from './matching/person-index';
import type { MatchSettings } from './matching/registry-matcher';
import { RegisterFamilyConsumer } from './registry/register-family.consumer';
import { RegistryCommandsConsumer } from './review/registry-commands.consumer';

export function dedupModule(config: BaseConfig, settings: MatchSettings, protector: Protector) {
  @Module({
    imports: [PlatformModule.forService(DEDUP, config)],
    controllers: [RegisterFamilyConsumer, RegistryCommandsConsumer],
    providers: [
      { provide: MATCH_SETTINGS, useValue: settings },
      { provide: PROTECTOR, useValue: protector },
      {
        provide: PersonIndex,
        inject: [REDIS, CONFIG],
        useFactory: (redis: Redis, c: BaseConfig) => new PersonIndex(redis, c.KAFKA_TOPIC_PREFIX, settings.maxBlock, settings.model.baseU('name'), protector),
      },
    ],
  })
  class DedupModule {}
  return DedupModule;
}
