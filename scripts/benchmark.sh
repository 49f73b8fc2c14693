#!/usr/bin/env bash
# Runs the concurrent-sessions benchmark: many full SMTP sessions (with STARTTLS by default) through one
# SmtpProber on its shared event loop, against a scripted server on loopback. Figures go in the README.
# Usage: scripts/benchmark.sh [SESSIONS] [CONCURRENCY] [TLS:true|false]
#
#        scripts/benchmark.sh heap [IN_FLIGHT]
#   Live heap per in-flight batch probe (against a loopback server that greets and then holds the connection).
#
#        scripts/benchmark.sh peers [PROBES] [CONCURRENCY]
#   Against a real Postfix on loopback (scripts/peers.sh start postfix DIR): `smtp-probe batch` through RCPT,
#   STARTTLS and plaintext, against swaks run CONCURRENCY at a time by xargs -P, and Postfix's smtp-source
#   (plaintext, through DATA: it cannot stop at RCPT). Prints probes per second; figures go in the README.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ "${1:-}" = heap ]; then
  # Heap per in-flight probe: a loopback server greets and then holds every connection; batch keeps N probes in
  # flight (each waiting for its EHLO reply); live heap after a full GC, N in flight against 10 in flight.
  many=${2:-1000}
  [ -f probe-cli/target/smtp-probe.jar ] || mvn -B -q -DskipTests -pl probe-cli -am package
  dir="$(mktemp -d /tmp/smtp-probe-heap.XXXXXX)"
  python3 - "$dir/port" <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); s.listen(4096)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept(); c.sendall(b"220 hold.test ESMTP\r\n"); held.append(c)
PY
  server=$!
  trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
  while [ ! -s "$dir/port" ]; do sleep 0.1; done
  port="$(cat "$dir/port")"
  live() { # N: live heap in KiB with N probes held in flight
    local n=$1 pid used
    for ((i = 0; i < n; i++)); do printf '{"server":"127.0.0.1:%s","rcpt":["u%d@hold.test"]}\n' "$port" "$i"; done >"$dir/in"
    java -Xmx512m -jar probe-cli/target/smtp-probe.jar batch -i "$dir/in" -o /dev/null --summary /dev/null \
      --concurrency "$n" --per-host 0 --per-domain-rate 0 --timeout 60 --no-posture --ehlo bench.test &
    pid=$!
    # wait until every connection is in (the server holds them), then measure after a full GC
    until [ "$(ss -Htn state established "( dport = :$port )" | wc -l)" -ge "$n" ]; do sleep 0.2; done
    sleep 1
    jcmd "$pid" GC.run >/dev/null
    used="$(jcmd "$pid" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print $(i + 1); exit}}' | tr -dc 0-9)"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    echo "$used"
  }
  base="$(live 10)"
  high="$(live "$many")"
  echo "live heap after full GC: 10 in flight ${base} KiB, $many in flight ${high} KiB:" \
    "$(( (high - base) * 1024 / (many - 10) )) bytes per in-flight probe"
  exit 0
fi

if [ "${1:-}" = peers ]; then
  probes=${2:-1000} conc=${3:-20}
  dir="${BENCH_DIR:-$(mktemp -d /tmp/smtp-probe-bench.XXXXXX)}"
  mkdir -p "$dir"
  scripts/peers.sh ensure postfix swaks >&2
  scripts/peers.sh start postfix "$dir/postfix" >"$dir/peer.env"
  trap 'scripts/peers.sh stop postfix "$dir/postfix" >/dev/null 2>&1 || true' EXIT
  # shellcheck disable=SC1091
  . "$dir/peer.env"
  [ -f probe-cli/target/smtp-probe.jar ] || mvn -B -q -DskipTests -pl probe-cli -am package
  ms() { date +%s%3N; }
  rate() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%8.1f probes/s  (%d in %.2f s)", n / (t / 1000), n, t / 1000}'; }
  targets() { # one JSON line per probe, each its own recipient so every line is its own target
    for ((i = 0; i < probes; i++)); do
      printf '{"server":"%s:%s","rcpt":["user%d@%s"]}\n' "$HOST" "$1" "$i" "$DOMAIN"
    done >"$dir/targets-$1.jsonl"
  }
  targets "$PORT_STARTTLS"
  targets "$PORT_PLAINTEXT"
  batch() { # PORT, then probe options
    local port=$1 t0 t1
    shift
    t0=$(ms)
    java -Xmx256m -jar probe-cli/target/smtp-probe.jar batch -i "$dir/targets-$port.jsonl" -o "$dir/out-$port.jsonl" \
      --summary "$dir/summary-$port.json" --concurrency "$conc" --per-host "$conc" --per-domain-rate 0 \
      --quit-after rcpt --ehlo bench.test --no-posture --timeout 30 "$@" || true
    t1=$(ms)
    echo "$((t1 - t0))"
  }
  swaks_run() { # PORT, then swaks options
    local port=$1 t0 t1
    shift
    t0=$(ms)
    seq 0 $((probes - 1)) | xargs -P "$conc" -I{} swaks --server "$HOST:$port" --to "user{}@$DOMAIN" \
      --helo bench.test --quit-after RCPT --silent 2 "$@" >/dev/null 2>&1 || true
    t1=$(ms)
    echo "$((t1 - t0))"
  }
  echo "probes: $probes, concurrency: $conc, Postfix $POSTFIX_VERSION on $HOST, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  t=$(batch "$PORT_STARTTLS" --starttls require --ca-file "$CA_CERT" --tls-name "$SERVER_NAME")
  echo "smtp-probe batch, STARTTLS through RCPT : $(rate "$probes" "$t")"
  t=$(swaks_run "$PORT_STARTTLS" --tls)
  echo "swaks | xargs -P, STARTTLS through RCPT : $(rate "$probes" "$t")"
  t=$(batch "$PORT_PLAINTEXT" --starttls never)
  echo "smtp-probe batch, plaintext through RCPT: $(rate "$probes" "$t")"
  t=$(swaks_run "$PORT_PLAINTEXT")
  echo "swaks | xargs -P, plaintext through RCPT: $(rate "$probes" "$t")"
  if command -v smtp-source >/dev/null || [ -x /usr/sbin/smtp-source ]; then
    t0=$(ms)
    PATH="$PATH:/usr/sbin" smtp-source -s "$conc" -m "$probes" -d -f "bench@$DOMAIN" -t "user0@$DOMAIN" \
      -S bench "$HOST:$PORT_PLAINTEXT" >/dev/null 2>&1 || true
    t1=$(ms)
    echo "smtp-source -s, plaintext through DATA  : $(rate "$probes" "$((t1 - t0))")"
  fi
  for port in "$PORT_STARTTLS" "$PORT_PLAINTEXT"; do
    echo "batch reports for port $port: $(wc -l <"$dir/out-$port.jsonl") lines; summary $(cat "$dir/summary-$port.json")"
  done
  exit 0
fi
mvn -B -q -DskipTests -pl probe-core -am install
cp="$(mktemp)"
mvn -B -q -pl probe-core dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
exec java -Xmx1g -cp "probe-core/target/test-classes:probe-core/target/classes:$(cat "$cp")" \
  dev.smtpprobe.bench.ConcurrentSessionsBenchmark "$@"
