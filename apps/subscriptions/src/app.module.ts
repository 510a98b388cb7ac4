import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import { SUBSCRIPTIONS_SETTINGS, type SubscriptionsSettings } from './config/subscriptions.config';
import { SUBSCRIPTIONS } from './config/service';
import { AgencyPublisher } from './projection/agency-publisher';
import { GrantStore } from './projection/grant-store';
import { GrantsConsumer } from './projection/grants.consumer';
import { ProjectionConsumer } from './projection/projection.consumer';
import { WebhookCommandsConsumer } from './webhooks/webhook-commands.consumer';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookStatusPublisher } from './webhooks/webhook-status.publisher';

export function subscriptionsModule(config: BaseConfig, settings: SubscriptionsSettings, protector: Protector) {
  @Module({
    imports: [PlatformModule.forService(SUBSCRIPTIONS, config)],
    controllers: [ProjectionConsumer, GrantsConsumer, WebhookCommandsConsumer],
    providers: [{ provide: SUBSCRIPTIONS_SETTINGS, useValue: settings }, { provide: PROTECTOR, useValue: protector }, GrantStore, AgencyPublisher, WebhookDispatcher, WebhookStatusPublisher],
  })
  class SubscriptionsModule {}
  return SubscriptionsModule;
}
