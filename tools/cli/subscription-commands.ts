import { agencyPrincipal, agencyTopics, agencyGroupPrefix, PLATFORM_SERVICES } from '@satupintu/contracts';
import { agencyAcls, applyAcls, createKafka, serviceAcls, type KafkaSettings } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gatewayRequest } from './gateway-client';

const GATEWAY = 'http://127.0.0.1:3000';
const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * `satupintu kafka provision` (the services' ACLs) and `satupintu agency ...`: grants, Kafka access
 * and webhook delivery of agency subscriptions.
 */
export function registerSubscriptionCommands(program: Command, kafkaSettings: () => KafkaSettings, root: string): void {
  const kafka = program.command('kafka').description('Kafka security of this deployment');
  kafka
    .command('provision')
    .description("grant each platform service's principal (svc-<service>) its topics and consumer group")
    .action(async () => {
      const settings = kafkaSettings();
      const rules = PLATFORM_SERVICES.flatMap((s) => serviceAcls(settings, s));
      await applyAcls(createKafka(settings, createLogger('cli', 'warn')), rules);
      print({ services: PLATFORM_SERVICES, acls: rules.length });
    });

  const agency = program.command('agency').description("agency subscriptions: grants, Kafka access, webhooks");
  agency
    .command('grant <agencyId>')
    .description('set the agency\'s grant (a new version; applies to the events that follow)')
    .requiredOption('--events <types>', 'comma-separated: family.changed, eligibility.decision-changed')
    .requiredOption('--regions <codes>', 'comma-separated region codes (ID: the whole country)')
    .requiredOption('--purpose <purpose>', 'purpose of processing, e.g. social-protection')
    .option('--fields <paths>', 'comma-separated granted fields (docs/subscriptions.md lists them)', '')
    .option('--webhook <url>', 'deliver over a webhook to this https URL (the secret is printed once)')
    .option('--no-webhook', 'remove the webhook')
    .option('--rotate-secret', 'a new webhook secret')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (agencyId: string, o) => {
      const webhook = o.webhook === false ? null : typeof o.webhook === 'string' ? { url: o.webhook } : undefined;
      print(await gatewayRequest(o.gateway, 'PUT', `/v1/admin/agencies/${agencyId}/grant`, {
        eventTypes: list(o.events), fields: list(o.fields), regions: list(o.regions), purpose: o.purpose,
        ...(webhook !== undefined ? { webhook } : {}), ...(o.rotateSecret ? { rotateWebhookSecret: true } : {}),
      }));
    });
  agency.command('show <agencyId>').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (id: string, o) => print(await gatewayRequest(o.gateway, 'GET', `/v1/admin/agencies/${id}/grant/versions`)));
  agency.command('list').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (o) => print(await gatewayRequest(o.gateway, 'GET', '/v1/admin/agencies')));
  agency.command('revoke <agencyId>').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (id: string, o) => print(await gatewayRequest(o.gateway, 'DELETE', `/v1/admin/agencies/${id}/grant`)));
  agency.command('webhook-status <agencyId>').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (id: string, o) => print(await gatewayRequest(o.gateway, 'GET', `/v1/admin/agencies/${id}/webhook`)));
  agency
    .command('redeliver <agencyId>')
    .description('send dead-lettered webhook deliveries again')
    .option('--ids <ids>', 'comma-separated delivery ids (default: all)')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (id: string, o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/agencies/${id}/webhook/redeliver`, o.ids ? { deliveryIds: list(o.ids) } : {})));
  agency
    .command('kafka-access <agencyId>')
    .description("create the agency's Kafka user (local stack) and its ACLs: its own two topics and consumer groups only")
    .action(async (agencyId: string) => {
      const user = agencyPrincipal(agencyId);
      const made = spawnSync(join(root, 'tools/stack/infra.sh'), ['kafka-user', user], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`creating the Kafka user failed: ${made.stderr.trim()}`);
      const settings = kafkaSettings();
      await applyAcls(createKafka(settings, createLogger('cli', 'warn')), agencyAcls(settings, agencyId));
      const topics = agencyTopics(agencyId);
      print({
        bootstrapServers: settings.brokers, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'SCRAM-SHA-512', username: user, passwordFile: made.stdout.trim(),
        topics: { changes: settings.topicPrefix + topics.changes, snapshot: settings.topicPrefix + topics.snapshot }, consumerGroupPrefix: settings.topicPrefix + agencyGroupPrefix(agencyId),
      });
    });
}
