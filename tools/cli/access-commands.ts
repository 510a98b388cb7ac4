import type { Command } from 'commander';
import { gatewayRequest } from './gateway-client';

const GATEWAY = 'http://127.0.0.1:3000';
const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * `satupintu principal|key|token|audit ...`: the admin API from the command line (principals,
 * API keys, tokens, the audit trail). Sends SATUPINTU_API_KEY or the local stack's admin key.
 */
export function registerAccessCommands(program: Command): void {
  const principal = program.command('principal').description('principals: who may call the API, with role, regions and purposes');
  principal
    .command('create')
    .requiredOption('--label <handle>', 'a handle, e.g. kader-3101011001-01 or dinsos-dki (no personal names)')
    .requiredOption('--role <role>', 'cadre, supervisor, analyst, agency or admin')
    .requiredOption('--regions <codes>', 'comma-separated region codes (a cadre: villages; ID: the whole country)')
    .option('--kind <kind>', 'user (a person with an app) or system (an agency or partner system)', 'user')
    .option('--purposes <list>', 'comma-separated purposes (default: the role\'s)')
    .option('--agency <id>', 'agency id of an agency system')
    .option('--with-key', 'also create an API key and print it')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (o) => {
      const p = await gatewayRequest<{ id: string }>(o.gateway, 'POST', '/v1/admin/principals', {
        label: o.label, role: o.role, kind: o.kind, regions: list(o.regions), ...(o.purposes ? { purposes: list(o.purposes) } : {}), ...(o.agency ? { agency: o.agency } : {}),
      });
      print(o.withKey ? { ...p, apiKey: await gatewayRequest(o.gateway, 'POST', `/v1/admin/principals/${p.id}/api-keys`, {}) } : p);
    });
  principal.command('list').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (o) => print(await gatewayRequest(o.gateway, 'GET', '/v1/admin/principals')));
  principal.command('show <id>').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (id, o) => print(await gatewayRequest(o.gateway, 'GET', `/v1/admin/principals/${id}`)));
  principal
    .command('update <id>')
    .option('--role <role>')
    .option('--regions <codes>')
    .option('--purposes <list>')
    .option('--disable', 'disable (every key and token stops working)')
    .option('--enable')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (id, o) => {
      print(await gatewayRequest(o.gateway, 'PATCH', `/v1/admin/principals/${id}`, {
        ...(o.role ? { role: o.role } : {}), ...(o.regions ? { regions: list(o.regions) } : {}), ...(o.purposes ? { purposes: list(o.purposes) } : {}),
        ...(o.disable ? { disabled: true } : o.enable ? { disabled: false } : {}),
      }));
    });

  const key = program.command('key').description('API keys (shown once; only a hash is kept)');
  key
    .command('create')
    .requiredOption('--principal <id>')
    .option('--expires <timestamp>', 'ISO timestamp after which the key stops working')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/principals/${o.principal}/api-keys`, o.expires ? { expiresAt: o.expires } : {})));
  key
    .command('rotate <keyId>')
    .option('--grace <seconds>', 'how long the old key keeps working', '0')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (keyId, o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/api-keys/${keyId}/rotate`, { graceSeconds: Number(o.grace) })));
  key.command('revoke <keyId>').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (keyId, o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/api-keys/${keyId}/revoke`, {})));

  const token = program.command('token').description('signed tokens for cadre and staff apps');
  token
    .command('issue')
    .requiredOption('--principal <id>')
    .option('--ttl <seconds>', 'lifetime (default: AUTH_TOKEN_TTL_SECONDS)')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/principals/${o.principal}/tokens`, o.ttl ? { ttlSeconds: Number(o.ttl) } : {})));
  token
    .command('revoke-all')
    .requiredOption('--principal <id>')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (o) => print(await gatewayRequest(o.gateway, 'POST', `/v1/admin/principals/${o.principal}/tokens/revoke`, {})));

  const audit = program.command('audit').description('the audit trail of personal-data access');
  audit
    .command('list')
    .option('--actor <principalId>')
    .option('--record <id>')
    .option('--action <action>')
    .option('--from <timestamp>')
    .option('--to <timestamp>')
    .option('-g, --gateway <url>', 'gateway URL', GATEWAY)
    .action(async (o) => {
      const q = new URLSearchParams(Object.entries({ actor: o.actor, record: o.record, action: o.action, from: o.from, to: o.to }).filter(([, v]) => v !== undefined) as Array<[string, string]>);
      print(await gatewayRequest(o.gateway, 'GET', `/v1/admin/audit?${q}`));
    });
  audit.command('verify').description('recompute the hash chain').option('-g, --gateway <url>', 'gateway URL', GATEWAY).action(async (o) => print(await gatewayRequest(o.gateway, 'GET', '/v1/admin/audit/verify')));
}
