#!/usr/bin/env bash
# Installs (when missing) and runs the real servers SatuPintu needs, natively, bound to 127.0.0.1:
#   Apache Kafka (KRaft, single node) from Apache's Maven artifacts on the machine's Java 17,
#   PostgreSQL and Redis from Debian packages.
# Data lives under .local/ in the repository (git-ignored).
#
#   tools/stack/infra.sh up       install what is missing, start what is not running, wait until each answers
#   tools/stack/infra.sh status   one line per server
#   tools/stack/infra.sh stop [S] stop the servers this script started (or only S: kafka, redis, postgres)
#   tools/stack/infra.sh pid S    print the pid of server S (kafka, redis, postgres)
#   tools/stack/infra.sh env [U]  print the connection variables (Kafka credentials of user U, default the admin)
#   tools/stack/infra.sh kafka-user NAME   create a Kafka SCRAM user (password in .local/secrets/kafka/NAME.password)
#   tools/stack/infra.sh browser  install Debian's Chromium (the dashboard's browser test) when missing
#   tools/stack/infra.sh small-space NAME MB   a PostgreSQL tablespace NAME on a filesystem of MB megabytes
#                                 (tmpfs, root only; the chaos command's disk-full scenario); prints its directory
#   tools/stack/infra.sh drop-space NAME       drops that tablespace (it must be empty) and its filesystem
#
# Idempotent: a server already started by this script is reused. Set KAFKA_BROKERS, DATABASE_URL or
# REDIS_URL to use external servers instead; the corresponding local server is then left alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="${SATUPINTU_LOCAL_DIR:-$ROOT/.local}"
RUN="$LOCAL/run"
# Kafka 3.9.x: the newest line whose protocol versions kafkajs 2.2.4 still speaks (Kafka 4.0 removed
# the old request versions kafkajs uses). See docs/decisions.md.
KAFKA_VERSION="${SATUPINTU_KAFKA_VERSION:-3.9.1}"
KAFKA_PORT=59092
KAFKA_CONTROLLER_PORT=59093
PG_PORT=55432
REDIS_PORT=56379
PG_BIN=""

say() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$RUN" "$LOCAL/logs"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.5
  done
  say "$name is up"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  (( ${#missing[@]} == 0 )) && return 0
  [[ $(id -u) -eq 0 ]] || die "missing Debian packages ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  say "installing ${missing[*]} from Debian packages"
  if [[ ! -f "$LOCAL/.apt-updated" ]]; then apt-get update -qq && touch "$LOCAL/.apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOCAL/logs/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed, see $LOCAL/logs/apt.log"
}

find_pg_bin() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$PG_BIN" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
}

as_pg() { # run a PostgreSQL binary as the postgres user when we are root (postgres refuses root)
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- PostgreSQL
# PostgreSQL refuses to run as root, so as root its files must be reachable by the postgres user;
# when the checkout lives below a folder that user cannot enter, the data goes to /var/tmp instead.
pg_dir() {
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
    echo "/var/tmp/satupintu-pg-$(printf '%s' "$LOCAL" | md5sum | cut -c1-8)"
  else
    echo "$LOCAL/pg"
  fi
}

pg_up() {
  if [[ -n "${DATABASE_URL:-}" ]]; then say "PostgreSQL: external ($DATABASE_URL is set)"; return; fi
  apt_install postgresql
  find_pg_bin
  local pgdir; pgdir=$(pg_dir)
  local data="$pgdir/data"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    say "initialising PostgreSQL cluster in $data"
    mkdir -p "$data"
    [[ $(id -u) -eq 0 ]] && chown -R postgres:postgres "$pgdir"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$LOCAL/logs/initdb.log" 2>&1 \
      || die "initdb failed, see $LOCAL/logs/initdb.log"
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another program; stop it or set DATABASE_URL"
    local try
    for try in 1 2 3 4 5; do # a port still held by a client's dying connection frees itself within seconds
      as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$pgdir/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300 -c shared_buffers=256MB -c synchronous_commit=on -c fsync=on" \
        start >/dev/null && break
      (( try < 5 )) || die "PostgreSQL did not start, see $pgdir/postgres.log"
      say "PostgreSQL did not start (attempt $try); trying again"
      sleep 2
    done
  fi
  wait_for PostgreSQL 60 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL does not answer on $PG_PORT"
  pg_auth "$data"
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='satupintu'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database satupintu" || die "could not create database satupintu"
  fi
}

# Who may connect how: the superuser without a password from this machine only (the scripts, the
# tests' harness); every other role, the services' own among them, with its password (SCRAM).
pg_auth() {
  local data=$1 want
  want=$'# Written by tools/stack/infra.sh\nlocal all postgres trust\nhost all postgres 127.0.0.1/32 trust\nlocal all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256'
  if [[ "$(cat "$data/pg_hba.conf" 2>/dev/null)" != "$want" ]]; then
    printf '%s\n' "$want" >"$data/pg_hba.conf"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$data/pg_hba.conf"
    as_pg "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null
    say "PostgreSQL: passwords required for every role but the local superuser"
  fi
}

pg_stop() {
  local data; data="$(pg_dir)/data"
  [[ -f "$data/PG_VERSION" ]] || return 0
  find_pg_bin
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
  fi
}

# ---------------------------------------------------------------- Redis
redis_up() {
  if [[ -n "${REDIS_URL:-}" ]]; then say "Redis: external ($REDIS_URL is set)"; return; fi
  apt_install redis-server
  if pid_alive "$RUN/redis.pid"; then
    say "Redis already running on 127.0.0.1:$REDIS_PORT"
  else
    port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program; stop it or set REDIS_URL"
    mkdir -p "$LOCAL/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$LOCAL/redis" --daemonize yes \
      --pidfile "$RUN/redis.pid" --logfile "$LOCAL/logs/redis.log" --save "" --appendonly no --protected-mode yes \
      || die "Redis did not start, see $LOCAL/logs/redis.log"
  fi
  wait_for Redis 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || die "Redis does not answer on $REDIS_PORT"
}

redis_stop() {
  if pid_alive "$RUN/redis.pid"; then
    local pid; pid=$(cat "$RUN/redis.pid")
    kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    say "Redis stopped"
  fi
}

# ---------------------------------------------------------------- Kafka
kafka_install() {
  local dir="$LOCAL/kafka/$KAFKA_VERSION"
  [[ -f "$dir/.complete" ]] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  say "resolving Apache Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.satupintu</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$dir" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs") \
    >"$LOCAL/logs/kafka-maven.log" 2>&1 || die "resolving Kafka with Maven failed, see $LOCAL/logs/kafka-maven.log"
  touch "$dir/.complete"
}

# Kafka security (docs/security.md, "Kafka"): every client authenticates with SASL/SCRAM-SHA-512 on
# 127.0.0.1:$KAFKA_PORT and the StandardAuthorizer denies whatever no ACL allows. The controller
# listener uses SASL/PLAIN with a user of its own (SCRAM credentials live in the metadata the
# controller serves, so they cannot authenticate the controller itself). Passwords are generated once
# into .local/secrets/kafka/<user>.password (mode 600). Principals:
#   satupintu-admin      super user: the stack scripts, the ops CLI, the tests' set-up
#   svc-<service>        one per platform service; its ACLs come from `sp kafka provision`
#   agency-<id>          one per agency; `sp agency kafka-access <id>`
KAFKA_SECRETS="$LOCAL/secrets/kafka"
KAFKA_ADMIN_USER=satupintu-admin
SERVICE_USERS=(svc-gateway svc-validation svc-dedup svc-aggregation svc-eligibility svc-subscriptions)

kafka_secret() { # user: prints the password, generating it on first use
  mkdir -p "$KAFKA_SECRETS" && chmod 700 "$LOCAL/secrets" "$KAFKA_SECRETS"
  local f="$KAFKA_SECRETS/$1.password"
  [[ -s "$f" ]] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f")
  cat "$f"
}

kafka_client_config() { # writes the admin's client properties for Kafka's own tools; prints the path
  local f="$KAFKA_SECRETS/admin-client.properties" pw
  pw=$(kafka_secret "$KAFKA_ADMIN_USER")
  (umask 077; printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$KAFKA_ADMIN_USER\" password=\"$pw\";" >"$f")
  echo "$f"
}

kafka_config() {
  local conf="$LOCAL/kafka/server.properties" admin_pw controller_pw
  admin_pw=$(kafka_secret "$KAFKA_ADMIN_USER")
  controller_pw=$(kafka_secret controller)
  mkdir -p "$LOCAL/kafka/data"
  (umask 077; cat >"$conf" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=CLIENT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$admin_pw";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$controller_pw" user_controller="$controller_pw";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USER;User:controller
log.dirs=$LOCAL/kafka/data
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
delete.topic.enable=true
EOF
)
  cat >"$LOCAL/kafka/log4j.properties" <<EOF
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOCAL/logs/kafka.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
# Refused requests (principal, operation, resource) go to their own file: an audit of the ACLs.
log4j.appender.authorizer=org.apache.log4j.RollingFileAppender
log4j.appender.authorizer.File=$LOCAL/logs/kafka-authorizer.log
log4j.appender.authorizer.MaxFileSize=20MB
log4j.appender.authorizer.MaxBackupIndex=2
log4j.appender.authorizer.layout=org.apache.log4j.PatternLayout
log4j.appender.authorizer.layout.ConversionPattern=[%d] %p %m%n
log4j.logger.kafka.authorizer.logger=INFO, authorizer
log4j.additivity.kafka.authorizer.logger=false
EOF
}

# Creates a SCRAM user (or sets its password again). Kafka's own ConfigCommand does it: kafkajs does
# not implement AlterUserScramCredentials (docs/decisions.md).
kafka_user() { # name
  [[ $1 =~ ^[a-z0-9][a-z0-9.-]{1,62}$ ]] || die "bad Kafka user name '$1'"
  local pw; pw=$(kafka_secret "$1")
  kafka_java kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$(kafka_client_config)" \
    --alter --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=8192,password=$pw]" \
    >>"$LOCAL/logs/kafka-users.log" 2>&1 || die "creating Kafka user $1 failed, see $LOCAL/logs/kafka-users.log"
}

kafka_service_users() {
  local marker="$KAFKA_SECRETS/.service-users"
  [[ -f "$marker" ]] && return 0
  for u in "${SERVICE_USERS[@]}"; do kafka_user "$u"; done
  touch "$marker"
  say "Kafka users created: ${SERVICE_USERS[*]}"
}

kafka_java() { java -Xms256m -Xmx1g -XX:+UseG1GC -Dlog4j.configuration="file:$LOCAL/kafka/log4j.properties" -cp "$LOCAL/kafka/$KAFKA_VERSION/libs/*" "$@"; }

kafka_answers() {
  kafka_java kafka.admin.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$(kafka_client_config)" 2>/dev/null | grep -q "127.0.0.1:$KAFKA_PORT"
}

kafka_up() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then say "Kafka: external ($KAFKA_BROKERS is set)"; return; fi
  if pid_alive "$RUN/kafka.pid"; then
    say "Kafka already running on 127.0.0.1:$KAFKA_PORT"
    kafka_service_users
    return
  fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another program; stop it or set KAFKA_BROKERS"
  kafka_install
  kafka_config
  if [[ -f "$LOCAL/kafka/data/meta.properties" && ! -f "$LOCAL/kafka/data/.sasl" ]]; then
    # Storage formatted by an older version of this script has no SCRAM admin to sign in with: the
    # local broker's data is disposable (tests and demo recreate theirs), so it is formatted anew.
    say "local Kafka data predates SASL/ACLs: formatting it anew"
    rm -rf "$LOCAL/kafka/data" "$KAFKA_SECRETS/.service-users"
    mkdir -p "$LOCAL/kafka/data"
  fi
  if [[ ! -f "$LOCAL/kafka/data/meta.properties" ]]; then
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    [[ -n "$cluster_id" ]] || die "could not generate a Kafka cluster id"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$LOCAL/kafka/server.properties" \
      --add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$(kafka_secret "$KAFKA_ADMIN_USER")]" \
      >"$LOCAL/logs/kafka-format.log" 2>&1 || die "formatting Kafka storage failed, see $LOCAL/logs/kafka-format.log"
    touch "$LOCAL/kafka/data/.sasl"
    rm -f "$KAFKA_SECRETS/.service-users"
    say "formatted Kafka storage (cluster $cluster_id)"
  fi
  nohup java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOCAL/kafka/log4j.properties" \
    -cp "$LOCAL/kafka/$KAFKA_VERSION/libs/*" kafka.Kafka "$LOCAL/kafka/server.properties" \
    >"$LOCAL/logs/kafka.out" 2>&1 </dev/null &
  echo $! >"$RUN/kafka.pid"
  wait_for Kafka 120 kafka_answers || die "Kafka did not answer on $KAFKA_PORT within 120 s, see $LOCAL/logs/kafka.out and kafka.log"
  kafka_service_users
}

kafka_stop() {
  if pid_alive "$RUN/kafka.pid"; then
    local pid; pid=$(cat "$RUN/kafka.pid")
    kill "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$RUN/kafka.pid"
    say "Kafka stopped"
  fi
}

status() {
  local s
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then s="external $KAFKA_BROKERS"; elif pid_alive "$RUN/kafka.pid"; then s="running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$RUN/kafka.pid"))"; else s="stopped"; fi
  echo "kafka:      $s"
  if [[ -n "${DATABASE_URL:-}" ]]; then s="external"; elif port_open "$PG_PORT"; then s="running on 127.0.0.1:$PG_PORT"; else s="stopped"; fi
  echo "postgresql: $s"
  if [[ -n "${REDIS_URL:-}" ]]; then s="external"; elif pid_alive "$RUN/redis.pid"; then s="running on 127.0.0.1:$REDIS_PORT (pid $(cat "$RUN/redis.pid"))"; else s="stopped"; fi
  echo "redis:      $s"
}

# Connection variables; with a user name (svc-dedup, agency-x...), that principal's Kafka credentials
# instead of the admin's.
print_env() {
  echo "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
  if [[ -z "${KAFKA_BROKERS:-}" ]]; then
    local user=${1:-$KAFKA_ADMIN_USER}
    echo "KAFKA_SASL_MECHANISM=scram-sha-512"
    echo "KAFKA_USERNAME=$user"
    echo "KAFKA_PASSWORD_FILE=$KAFKA_SECRETS/$user.password"
  fi
  echo "DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/satupintu}"
  echo "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
}

# The browser of the dashboard's end-to-end test (Debian's Chromium, driven by playwright-core).
browser_up() {
  apt_install chromium
  say "Chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"
}

# A tablespace on a small filesystem of its own, so a test cluster's disk can be made full without
# touching the machine's: a tmpfs of the given size, mounted under .local/postgres/spaces/NAME.
space_dir() { echo "$(pg_dir)/spaces/$1"; }
small_space() {
  local name=$1 mb=$2 dir
  [[ "$name" =~ ^[a-z][a-z0-9_]{0,40}$ ]] || die "tablespace name: lower-case letters, digits and _"
  [[ $(id -u) -eq 0 ]] || die "a small filesystem needs root (mount -t tmpfs)"
  dir=$(space_dir "$name")
  mkdir -p "$dir"
  mountpoint -q "$dir" || mount -t tmpfs -o "size=${mb}m,mode=0700" tmpfs "$dir"
  mkdir -p "$dir/pg"
  chown -R postgres:postgres "$dir"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_tablespace where spcname='$name'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create tablespace $name location '$dir/pg'" >/dev/null
  # The services' owner roles create their tables there when it is a database's default.
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "grant create on tablespace $name to public" >/dev/null
  echo "$dir"
}
drop_space() {
  local name=$1 dir
  dir=$(space_dir "$name")
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "drop tablespace if exists $name" >/dev/null
  if mountpoint -q "$dir"; then umount "$dir"; fi
  rmdir "$dir" 2>/dev/null || true
}

# The servers' ports lie in Linux's ephemeral range (32768-60999). While a server is down, a client
# retrying its connection can be handed the server's own port as its local port and connect to
# itself (TCP simultaneous open); the server then cannot bind its port when it comes back. As root,
# the ports are reserved so the kernel never hands them out; otherwise start is retried.
port_reserved() { # port, the kernel's list ("55432,59092-59093")
  local item lo hi
  IFS=',' read -ra items <<<"$2"
  for item in "${items[@]}"; do
    lo=${item%-*}; hi=${item#*-}
    [[ -n "$lo" ]] && (( $1 >= lo && $1 <= hi )) && return 0
  done
  return 1
}
reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current wanted port
  [[ $(id -u) -eq 0 && -w $file ]] || return 0
  current=$(cat "$file")
  wanted=$current
  for port in "$PG_PORT" "$REDIS_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_reserved "$port" "$current" || wanted="${wanted:+$wanted,}$port"
  done
  if [[ "$wanted" != "$current" ]]; then
    echo "$wanted" >"$file" && say "reserved ports $PG_PORT $REDIS_PORT $KAFKA_PORT $KAFKA_CONTROLLER_PORT (not handed out as clients' local ports)"
  fi
}

case "${1:-up}" in
  up) reserve_ports; pg_up; redis_up; kafka_up ;;
  browser) browser_up ;;
  status) status ;;
  stop)
    case "${2:-all}" in
      all) kafka_stop; redis_stop; pg_stop ;;
      kafka) kafka_stop ;; redis) redis_stop ;; postgres) pg_stop ;;
      *) die "usage: $0 stop [kafka|redis|postgres]" ;;
    esac ;;
  pid) # the pid of a server this script started (the chaos command signals it)
    case "${2:-}" in
      kafka) cat "$RUN/kafka.pid" ;; redis) cat "$RUN/redis.pid" ;;
      postgres) head -1 "$(pg_dir)/data/postmaster.pid" ;;
      *) die "usage: $0 pid kafka|redis|postgres" ;;
    esac ;;
  env) print_env "${2:-}" ;;
  kafka-user) [[ -n "${2:-}" ]] || die "usage: $0 kafka-user NAME"; kafka_user "$2"; echo "$KAFKA_SECRETS/$2.password" ;;
  small-space) [[ -n "${2:-}" && -n "${3:-}" ]] || die "usage: $0 small-space NAME MB"; small_space "$2" "$3" ;;
  drop-space) [[ -n "${2:-}" ]] || die "usage: $0 drop-space NAME"; drop_space "$2" ;;
  *) die "usage: $0 up|status|stop [S]|pid S|env [KAFKA_USER]|kafka-user NAME|browser|small-space NAME MB|drop-space NAME" ;;
esac
