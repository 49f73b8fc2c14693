#!/usr/bin/env bash
# Runs the concurrent-sessions benchmark: many full SMTP sessions (with STARTTLS by default) through one
# SmtpProber on its shared event loop, against a scripted server on loopback. Figures go in the README.
# Usage: scripts/benchmark.sh [SESSIONS] [CONCURRENCY] [TLS:true|false]
#
#        scripts/benchmark.sh heap [IN_FLIGHT]
#   Live heap per in-flight batch probe (against a loopback server that greets and then holds the connection).
#
#        scripts/benchmark.sh heap-tls [IN_FLIGHT]
#   The same, with every probe held after its STARTTLS handshake (TLS engine and buffers counted).
#
#        scripts/benchmark.sh lossy [TARGETS] [CONCURRENCY] [FAULTY_PERCENT]
#   A batch of TARGETS (10,000) where FAULTY_PERCENT (20) misbehave at one phase each: one report per target,
#   RSS and open descriptors sampled over the run (100000 targets for the flat-RSS figure).
#
#        scripts/benchmark.sh peers [PROBES] [CONCURRENCY]
#   Against a real Postfix on loopback (scripts/peers.sh start postfix DIR): `smtp-probe batch` through RCPT,
#   STARTTLS and plaintext, against swaks run CONCURRENCY at a time by xargs -P, and Postfix's smtp-source
#   (plaintext, through DATA: it cannot stop at RCPT). Prints probes per second; figures go in the README.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ "${1:-}" = heap ] || [ "${1:-}" = heap-tls ]; then
  # Heap per in-flight probe: batch keeps N probes in flight against a loopback server that holds every
  # connection, and the live heap after a full GC with N in flight is set against 10 in flight. `heap`: the server
  # greets and holds (each probe waits for its EHLO reply). `heap-tls`: bench_server.py --hold-after-tls finishes
  # the STARTTLS handshake, answers the second EHLO and then holds, so each probe's TLS engine and buffers count.
  mode=$1 many=${2:-1000}
  [ -f probe-cli/target/smtp-probe.jar ] || mvn -B -q -DskipTests -pl probe-cli -am package
  dir="$(mktemp -d /tmp/smtp-probe-heap.XXXXXX)"
  tls=() settle=1
  if [ "$mode" = heap-tls ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.test \
      -addext subjectAltName=DNS:bench.test -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    python3 scripts/bench_server.py "$dir/ports" --tls "$dir/cert.pem" "$dir/key.pem" --hold-after-tls &
    tls=(--starttls require --ca-file "$dir/cert.pem" --tls-name bench.test) settle=3
  else
    python3 - "$dir/ports" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); s.listen(4096)
open(sys.argv[1], "w").write("ok %d\n" % s.getsockname()[1])
held = []
while True:
    c, _ = s.accept(); c.sendall(b"220 hold.test ESMTP\r\n"); held.append(c)
PY
  fi
  server=$!
  trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
  while [ ! -s "$dir/ports" ]; do sleep 0.1; done
  port="$(awk '$1 == "ok" {print $2}' "$dir/ports")"
  live() { # N: live heap in KiB with N probes held in flight
    local n=$1 pid used
    for ((i = 0; i < n; i++)); do printf '{"server":"127.0.0.1:%s","rcpt":["u%d@bench.test"]}\n' "$port" "$i"; done >"$dir/in"
    java -Xmx1g -jar probe-cli/target/smtp-probe.jar batch -i "$dir/in" -o /dev/null --summary /dev/null \
      --concurrency "$n" --per-host 0 --per-domain-rate 0 --timeout 120 --no-posture --ehlo bench.test "${tls[@]}" &
    pid=$!
    # every connection in (and, with TLS, through its handshake: the server holds it after the second EHLO)
    until [ "$(ss -Htn state established "( dport = :$port )" | wc -l)" -ge "$n" ]; do sleep 0.2; done
    sleep "$settle"
    jcmd "$pid" GC.run >/dev/null
    used="$(jcmd "$pid" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print $(i + 1); exit}}' | tr -dc 0-9)"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    echo "$used"
  }
  base="$(live 10)"
  high="$(live "$many")"
  echo "live heap after full GC ($mode): 10 in flight ${base} KiB, $many in flight ${high} KiB:" \
    "$(( (high - base) * 1024 / (many - 10) )) bytes per in-flight probe"
  exit 0
fi

if [ "${1:-}" = lossy ]; then
  # A batch that loses nothing: TARGETS probes (default 10,000) at CONCURRENCY against bench_server.py, FAULTY
  # percent of them (default 20) aimed at listeners that misbehave at one phase each (close, reset, stall,
  # garbage, overlong line, endless continuation, 421, 554 greeting, doubled reply). Checks that every target has
  # exactly one report and that the summary counts them all; samples the JVM's RSS and open descriptors once a
  # second. Run with 100000 for the flat-RSS figure.
  targets=${2:-10000} conc=${3:-100} faulty=${4:-20}
  [ -f probe-cli/target/smtp-probe.jar ] || mvn -B -q -DskipTests -pl probe-cli -am package
  dir="${BENCH_DIR:-$(mktemp -d /tmp/smtp-probe-lossy.XXXXXX)}"
  mkdir -p "$dir"
  python3 scripts/bench_server.py "$dir/ports" &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  while [ ! -s "$dir/ports" ]; do sleep 0.1; done
  python3 - "$dir/ports" "$targets" "$faulty" >"$dir/in.jsonl" <<'PY'
import random, sys
ports = dict(line.split() for line in open(sys.argv[1]))
faults = [name for name in ports if name != "ok"]
rng = random.Random(20261201)
for i in range(int(sys.argv[2])):
    name = rng.choice(faults) if rng.random() * 100 < float(sys.argv[3]) else "ok"
    print('{"server":"127.0.0.1:%s","rcpt":["%s-%d@bench.test"]}' % (ports[name], name, i))
PY
  t0=$(date +%s%3N)
  java -Xmx256m -jar probe-cli/target/smtp-probe.jar batch -i "$dir/in.jsonl" -o "$dir/out.jsonl" \
    --summary "$dir/summary.json" --concurrency "$conc" --per-host 0 --per-domain-rate 0 --timeout 2 \
    --no-posture --starttls never --ehlo bench.test --quit-after rcpt &
  pid=$!
  : >"$dir/samples"
  while kill -0 "$pid" 2>/dev/null; do
    rss="$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    fds="$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)"
    [ -n "$rss" ] && echo "$(wc -l 2>/dev/null <"$dir/out.jsonl" || echo 0) $rss $fds" >>"$dir/samples"
    sleep 1
  done
  rc=0; wait "$pid" || rc=$?
  t1=$(date +%s%3N)
  lines="$(wc -l <"$dir/out.jsonl")"
  unique="$(python3 -c 'import json,sys; print(len({json.loads(l)["batchInput"] for l in open(sys.argv[1])}))' "$dir/out.jsonl")"
  echo "targets $targets ($faulty% faulty), concurrency $conc: $lines report lines, $unique distinct targets," \
    "exit code $rc, $(awk -v n="$targets" -v t="$((t1 - t0))" 'BEGIN {printf "%.0f probes/s", n / (t / 1000)}')"
  echo "summary: $(cat "$dir/summary.json")"
  # RSS and descriptors after the first tenth of the run (start-up and warm-up excluded), in KiB.
  awk -v skip="$((targets / 10))" '$1 >= skip {n++; if (!min || $2 < min) min = $2; if ($2 > max) max = $2;
      if (!fmin || $3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3; last = $2}
      END {printf "RSS after the first tenth: min %d KiB, max %d KiB, last %d KiB; open descriptors: min %d, max %d (%d samples)\n",
           min, max, last, fmin, fmax, n}' "$dir/samples"
  [ "$lines" -eq "$targets" ] && [ "$unique" -eq "$targets" ] || { echo "LOST OR DOUBLED REPORTS" >&2; exit 1; }
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
    # Through the launcher, as users run it (its JVM tuning for batch), with the heap capped.
    SMTP_PROBE_JAVA_OPTS="-Xmx256m" ./smtp-probe batch -i "$dir/targets-$port.jsonl" -o "$dir/out-$port.jsonl" \
      --summary "$dir/summary-$port.json" --concurrency "$conc" --per-host "$conc" --per-domain-rate 0 \
      --quit-after rcpt --ehlo bench.test --no-posture --timeout 30 "$@" || true
    t1=$(ms)
    echo "$((t1 - t0))"
  }
  # swaks starts one process per probe, so its rate does not depend on how many: at most 500 of them (a 5,000-probe
  # run would otherwise spend a quarter of an hour on swaks alone). SWAKS_PROBES overrides.
  swaks_probes=${SWAKS_PROBES:-$((probes < 500 ? probes : 500))}
  warm() { # PORT: the rate once the JIT has warmed up, from the reports' start times (probes from the fifth on)
    python3 - "$dir/out-$1.jsonl" <<'PY'
import datetime, json, sys
starts = sorted(datetime.datetime.fromisoformat(json.loads(l)["startedAt"].replace("Z", "+00:00"))
                for l in open(sys.argv[1]) if l.strip())
first = len(starts) // 5
if len(starts) >= 500 and starts[-1] > starts[first]:
    print(", warm %.1f probes/s (probes %d to %d)" % ((len(starts) - 1 - first)
          / (starts[-1] - starts[first]).total_seconds(), first + 1, len(starts)), end="")
PY
  }
  swaks_run() { # PORT, then swaks options
    local port=$1 t0 t1
    shift
    t0=$(ms)
    seq 0 $((swaks_probes - 1)) | xargs -P "$conc" -I{} swaks --server "$HOST:$port" --to "user{}@$DOMAIN" \
      --helo bench.test --quit-after RCPT --silent 2 "$@" >/dev/null 2>&1 || true
    t1=$(ms)
    echo "$((t1 - t0))"
  }
  # The launcher's first run of a jar trains its class-data archive in the background: done before anything is
  # timed, so that it neither steals CPU from the batch runs nor leaves the cold start without an archive.
  cache="${SMTP_PROBE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/smtp-probe}"
  ./smtp-probe --version >/dev/null
  while [ -d "$cache/.training" ]; do sleep 0.5; done
  echo "probes: $probes, concurrency: $conc, Postfix $POSTFIX_VERSION on $HOST, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  t=$(batch "$PORT_STARTTLS" --starttls require --ca-file "$CA_CERT" --tls-name "$SERVER_NAME")
  echo "smtp-probe batch, STARTTLS through RCPT : $(rate "$probes" "$t")$(warm "$PORT_STARTTLS")"
  t=$(swaks_run "$PORT_STARTTLS" --tls)
  echo "swaks | xargs -P, STARTTLS through RCPT : $(rate "$swaks_probes" "$t")"
  t=$(batch "$PORT_PLAINTEXT" --starttls never)
  echo "smtp-probe batch, plaintext through RCPT: $(rate "$probes" "$t")$(warm "$PORT_PLAINTEXT")"
  t=$(swaks_run "$PORT_PLAINTEXT")
  echo "swaks | xargs -P, plaintext through RCPT: $(rate "$swaks_probes" "$t")"
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
  # Cold start: one probe, STARTTLS verified through RCPT, through the launcher as a user runs it (its
  # class-data archive made first: the first run starts the training and later runs map the archive), against
  # swaks doing the same check, the commands alternated round by round (scripts/coldstart.sh).
  probe="probe --server $HOST:$PORT_STARTTLS --starttls require --ca-file $CA_CERT --tls-name $SERVER_NAME"
  probe="$probe --rcpt user0@$DOMAIN --quit-after rcpt --no-posture --ehlo bench.test"
  scripts/coldstart.sh "${COLD_ROUNDS:-15}" \
    "swaks, STARTTLS through RCPT=swaks --server $HOST:$PORT_STARTTLS --tls --tls-verify --tls-ca-path $CA_CERT --to user0@$DOMAIN --helo bench.test --quit-after RCPT --silent 2" \
    "./smtp-probe, STARTTLS through RCPT=./smtp-probe $probe" \
    "swaks --version=swaks --version" "./smtp-probe --version=./smtp-probe --version"
  exit 0
fi
mvn -B -q -DskipTests -pl probe-core -am install
cp="$(mktemp)"
mvn -B -q -pl probe-core dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
exec java -Xmx1g -cp "probe-core/target/test-classes:probe-core/target/classes:$(cat "$cp")" \
  dev.smtpprobe.bench.ConcurrentSessionsBenchmark "$@"
