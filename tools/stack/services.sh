#!/usr/bin/env bash
# Runs the six SatuPintu services natively from the compiled build (dist/), on Node 24.
#
#   tools/stack/services.sh up [SERVICE[=N] ...]   start N instances (default: all six, one each)
#   tools/stack/services.sh stop [SERVICE ...]     SIGTERM (graceful), SIGKILL after 30 s
#   tools/stack/services.sh status
#
# Instance i of a service listens on its base port + 100*(i-1): gateway 3000, validation 3001,
# dedup 3002, aggregation 3003, eligibility 3004, subscriptions 3005. Logs: .local/logs/<service>-<i>.log.
# On first start it writes the local stack's secrets (mode 600) to .local/secrets/: admin.key (the
# gateway's bootstrap admin API key, which the CLI sends), token.secret (the token signing key) and
# keyring.json (the master keys of encryption at rest, read by every service that keeps data;
# docs/security.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="${SATUPINTU_LOCAL_DIR:-$ROOT/.local}"
RUN="$LOCAL/run"
NODE="$ROOT/node_modules/.bin/node"
ALL=(gateway validation dedup aggregation eligibility subscriptions)
declare -A BASE_PORT=([gateway]=3000 [validation]=3001 [dedup]=3002 [aggregation]=3003 [eligibility]=3004 [subscriptions]=3005)

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
mkdir -p "$RUN" "$LOCAL/logs"

SECRETS="$LOCAL/secrets"

ensure_secrets() {
  mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
  if [[ ! -s "$SECRETS/admin.key" ]]; then
    (umask 077; "$NODE" -e "const c=require('node:crypto');process.stdout.write('spk_'+c.randomBytes(8).toString('hex')+'_'+c.randomBytes(32).toString('base64url'))" >"$SECRETS/admin.key")
    say "wrote the admin API key to $SECRETS/admin.key"
  fi
  if [[ ! -s "$SECRETS/webhook.key" ]]; then
    (umask 077; "$NODE" -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" >"$SECRETS/webhook.key")
  fi
  if [[ ! -s "$SECRETS/dci-signing.key" ]]; then # the gateway's DCI signing key (Ed25519, PEM in base64)
    (umask 077; "$NODE" -e "const c=require('node:crypto');process.stdout.write(Buffer.from(c.generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'})).toString('base64'))" >"$SECRETS/dci-signing.key")
  fi
  if [[ ! -s "$SECRETS/keyring.json" ]]; then # encryption at rest: one master key (id: the month) and the blind-index key
    (umask 077; "$NODE" -e "const c=require('node:crypto');const id='local-'+new Date().toISOString().slice(0,7);process.stdout.write(JSON.stringify({active:id,keys:{[id]:c.randomBytes(32).toString('base64')},index:c.randomBytes(32).toString('base64')}))" >"$SECRETS/keyring.json")
  fi
  if [[ ! -s "$SECRETS/token.secret" ]]; then
    (umask 077; "$NODE" -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" >"$SECRETS/token.secret")
  fi
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_one() { # service instance
  local svc=$1 i=$2 port=$((BASE_PORT[$1] + 100 * ($2 - 1)))
  local pidfile="$RUN/$svc-$i.pid"
  if pid_alive "$pidfile"; then say "$svc #$i already running (pid $(cat "$pidfile"), port $port)"; return; fi
  [[ -f "$ROOT/dist/apps/$svc/src/main.js" ]] || die "dist/apps/$svc is missing: run 'npm run build' first"
  local auth=()
  [[ $svc == gateway ]] && auth=(AUTH_BOOTSTRAP_ADMIN_KEY="$(cat "$SECRETS/admin.key")" AUTH_TOKEN_SECRET="$(cat "$SECRETS/token.secret")" DCI_SIGNING_KEY="$(cat "$SECRETS/dci-signing.key")")
  [[ $svc == gateway || $svc == subscriptions ]] && auth+=(WEBHOOK_SIGNING_KEY="$(cat "$SECRETS/webhook.key")")
  # Encryption at rest: the keyring, to the services that keep personal data (PROTECTION=off in the
  # environment turns it off, for benchmarks).
  [[ $svc != validation && -z "${PROTECTION_KEYRING:-}" ]] && auth+=(PROTECTION_KEYRING_FILE="$SECRETS/keyring.json")
  # PostgreSQL as the service's own role, migrations as its schema's owner (written by `db provision`).
  local db=()
  [[ -z "${DATABASE_URL:-}" && -f "$SECRETS/postgres/$svc.env" ]] && mapfile -t db <"$SECRETS/postgres/$svc.env"
  # Each service signs in to Kafka as its own principal (svc-<service>), allowed only its topics.
  # shellcheck disable=SC2046
  env $("$ROOT/tools/stack/infra.sh" env "svc-$svc") PORT="$port" INSTANCE_ID="$svc-$i" "${auth[@]}" "${db[@]}" \
    nohup "$NODE" --enable-source-maps -r "$ROOT/tools/runtime/register-paths.js" "$ROOT/dist/apps/$svc/src/main.js" \
    >>"$LOCAL/logs/$svc-$i.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  say "$svc #$i starting (pid $!, port $port)"
}

wait_ready() { # service instance
  local svc=$1 i=$2 port=$((BASE_PORT[$1] + 100 * ($2 - 1)))
  local deadline=$((SECONDS + 90))
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    pid_alive "$RUN/$svc-$i.pid" || die "$svc #$i exited; see $LOCAL/logs/$svc-$i.log"
    (( SECONDS < deadline )) || die "$svc #$i not ready after 90 s; see $LOCAL/logs/$svc-$i.log"
    sleep 0.5
  done
}

up() {
  local specs=("$@")
  (( ${#specs[@]} )) || specs=("${ALL[@]}")
  local started=()
  ensure_secrets
  # The services' Kafka ACLs (idempotent), granted by the admin principal.
  "$NODE" -r "$ROOT/tools/runtime/register-paths.js" "$ROOT/dist/tools/cli/main.js" kafka provision >/dev/null || die "granting the services' Kafka ACLs failed"
  # Each service's PostgreSQL roles and schema on the local server (idempotent; an external DATABASE_URL is the operator's).
  if [[ -z "${DATABASE_URL:-}" ]]; then
    "$NODE" -r "$ROOT/tools/runtime/register-paths.js" "$ROOT/dist/tools/cli/main.js" db provision >/dev/null || die "provisioning the services' database roles failed"
  fi
  for spec in "${specs[@]}"; do
    local svc=${spec%%=*} n=1
    [[ $spec == *=* ]] && n=${spec#*=}
    [[ -n "${BASE_PORT[$svc]:-}" ]] || die "unknown service $svc (one of ${ALL[*]})"
    for i in $(seq 1 "$n"); do start_one "$svc" "$i"; started+=("$svc:$i"); done
  done
  for s in "${started[@]}"; do wait_ready "${s%%:*}" "${s##*:}"; done
  say "ready: ${started[*]}"
}

stop() {
  local targets=("$@")
  (( ${#targets[@]} )) || targets=("${ALL[@]}")
  local pids=()
  for svc in "${targets[@]}"; do
    for f in "$RUN/$svc"-*.pid; do
      [[ -f "$f" ]] || continue
      if pid_alive "$f"; then kill -TERM "$(cat "$f")"; pids+=("$(cat "$f"):$f"); else rm -f "$f"; fi
    done
  done
  for p in "${pids[@]}"; do
    local pid=${p%%:*} f=${p#*:}
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$f"
    say "stopped $(basename "$f" .pid)"
  done
}

status() {
  for svc in "${ALL[@]}"; do
    local any=0
    for f in "$RUN/$svc"-*.pid; do
      [[ -f "$f" ]] || continue
      any=1
      local name; name=$(basename "$f" .pid)
      if pid_alive "$f"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: dead (stale pid file)"; fi
    done
    (( any )) || echo "$svc: stopped"
  done
}

cmd=${1:-status}; shift || true
case "$cmd" in
  up) up "$@" ;;
  stop) stop "$@" ;;
  status) status ;;
  *) die "usage: $0 up|stop|status [SERVICE[=N] ...]" ;;
esac
