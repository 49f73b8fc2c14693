#!/usr/bin/env bash
# Real servers for the tests, on loopback only: the one harness every real-peer test goes through.
#
#   peers.sh ensure PEER...      install the Debian packages PEER needs, when missing (idempotent)
#   peers.sh start PEER DIR      write PEER's config under DIR, start it on 127.0.0.1, wait until it answers,
#                                then print KEY=VALUE lines (also kept in DIR/peer.env)
#   peers.sh stop PEER DIR       stop what `start` started from DIR (a no-op when nothing runs)
#   peers.sh packages PEER       the Debian packages PEER needs, one a line
#
# Peers: postfix (with Dovecot SASL), dns (NSD + validating Unbound), prometheus, dante (SOCKS5, with and without
# user name and password); chromium, swaks (ensure only).
#
# Exit codes: 0 done; 2 bad usage; 3 a package cannot be installed (the tests skip on this, except with CI=true);
# 4 the peer did not start or stop. Diagnostics go to standard error, KEY=VALUE lines to standard output.
#
# Nothing listens on anything but 127.0.0.1, on ports above 20000 chosen at start (PEERS_PORT_BASE=N pins them
# for a run by hand). Debian's own postfix/dovecot/nsd/unbound services are never started: installs run under a
# policy-rc.d that refuses every service start.
set -euo pipefail

readonly EXIT_USAGE=2 EXIT_UNAVAILABLE=3 EXIT_FAILED=4
readonly LOOPBACK=127.0.0.1
readonly DOMAIN=peer.test

log() { printf 'peers.sh: %s\n' "$*" >&2; }
die() { local code=$1; shift; log "$*"; exit "$code"; }
now_ms() { date +%s%3N; }
# PEERS_TRACE=1 prints how long each step of a start took, on standard error.
trace() { [ -z "${PEERS_TRACE:-}" ] || printf 'peers.sh: %6d ms  %s\n' "$(( $(now_ms) - ${TRACE_T0:=$(now_ms)} ))" "$*" >&2; }

packages_of() {
  case "$1" in
    postfix)    echo "postfix dovecot-core openssl" ;;
    dns)        echo "nsd unbound ldnsutils bind9-dnsutils" ;;
    prometheus) echo "prometheus" ;;
    chromium)   echo "chromium" ;;
    dante)      echo "dante-server" ;;
    swaks)      echo "swaks libnet-ssleay-perl libio-socket-inet6-perl" ;;
    *)          return 1 ;;
  esac
}

# ---------------------------------------------------------------------------------------------------- ensure

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# Runs "$@" with a policy-rc.d that answers 101 ("action forbidden") to every service start, so that installing
# postfix, dovecot-core, nsd or unbound never starts Debian's own instance on ports 25, 143 or 53 (invoke-rc.d
# and deb-systemd-invoke both ask it). Whatever policy-rc.d was there before is put back, also when interrupted.
readonly POLICY_RC=/usr/sbin/policy-rc.d
POLICY_SWAPPED=no POLICY_SAVED=""

restore_policy() {
  [ "$POLICY_SWAPPED" = yes ] || return 0
  if [ -n "$POLICY_SAVED" ]; then mv -f "$POLICY_SAVED" "$POLICY_RC"; else rm -f "$POLICY_RC"; fi
  POLICY_SWAPPED=no POLICY_SAVED=""
}

without_service_starts() {
  local rc=0
  if [ -e "$POLICY_RC" ]; then
    POLICY_SAVED="$(mktemp)"
    cp -p "$POLICY_RC" "$POLICY_SAVED"
  fi
  POLICY_SWAPPED=yes
  trap restore_policy EXIT
  trap 'restore_policy; exit 130' INT TERM
  printf '#!/bin/sh\n# written by smtp-probe scripts/peers.sh during an install\nexit 101\n' > "$POLICY_RC"
  chmod 755 "$POLICY_RC"
  "$@" || rc=$?
  restore_policy
  trap - EXIT INT TERM
  return "$rc"
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install --no-install-recommends "$@"
}

apt_update() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update
}

# A package apt has no candidate for is unknown to the current lists: only then is an update worth its time.
has_candidate() {
  local c
  c="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')"
  [ -n "$c" ] && [ "$c" != "(none)" ]
}

cmd_ensure() {
  [ $# -ge 1 ] || die $EXIT_USAGE "usage: peers.sh ensure PEER..."
  local peer pkg missing=() started
  started="$(now_ms)"
  for peer in "$@"; do
    packages_of "$peer" >/dev/null || die $EXIT_USAGE "unknown peer: $peer"
    for pkg in $(packages_of "$peer"); do
      is_installed "$pkg" || missing+=("$pkg")
    done
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "INSTALLED="
    echo "INSTALL_MILLIS=0"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die $EXIT_UNAVAILABLE "cannot install ${missing[*]}: installing Debian packages needs root (run as root, or install them by hand)"
  fi
  command -v apt-get >/dev/null || die $EXIT_UNAVAILABLE "cannot install ${missing[*]}: apt-get not found (not a Debian system)"
  # One install at a time on this machine (builds of other checkouts may run beside this one): apt has its
  # own lock, but the policy-rc.d swap must not interleave. Whoever waited finds the packages installed.
  { exec 9>/run/lock/smtp-probe-peers-install.lock; } 2>/dev/null || exec 9>/tmp/smtp-probe-peers-install.lock
  flock -w 900 9 || die $EXIT_FAILED "another peers.sh ensure held the install lock for 15 minutes"
  local still=()
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still+=("$pkg")
  done
  if [ ${#still[@]} -eq 0 ]; then
    echo "INSTALLED="
    echo "INSTALL_MILLIS=$(( $(now_ms) - started ))"
    return 0
  fi
  missing=("${still[@]}")
  log "installing ${missing[*]}"

  local out updated=no
  out="$(mktemp)"
  # At most one apt-get update a run: first when a package is unknown to the lists, else only after a failed
  # install (stale lists give 404s).
  for pkg in "${missing[@]}"; do
    if ! has_candidate "$pkg"; then
      apt_update >"$out" 2>&1 || { cat "$out" >&2; rm -f "$out"; die $EXIT_UNAVAILABLE "cannot install ${missing[*]}: apt-get update failed"; }
      updated=yes
      break
    fi
  done
  if [[ " ${missing[*]} " == *" postfix "* ]]; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  fi
  if ! without_service_starts apt_install "${missing[@]}" >"$out" 2>&1; then
    if [ "$updated" = no ] && apt_update >>"$out" 2>&1 && without_service_starts apt_install "${missing[@]}" >>"$out" 2>&1; then
      :
    else
      local why
      why="$(grep -E '^(E|W): ' "$out" | tail -n 5 | tr '\n' ' ')"
      tail -n 20 "$out" >&2
      rm -f "$out"
      die $EXIT_UNAVAILABLE "cannot install ${missing[*]}: ${why:-apt-get install failed}"
    fi
  fi
  rm -f "$out"
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || die $EXIT_UNAVAILABLE "cannot install $pkg: apt-get finished but the package is not installed"
  done
  echo "INSTALLED=${missing[*]}"
  echo "INSTALL_MILLIS=$(( $(now_ms) - started ))"
}

# ---------------------------------------------------------------------------------------------------- helpers

port_in_use() {
  (exec 3<>"/dev/tcp/$LOOPBACK/$1") 2>/dev/null
}

# N free loopback ports, consecutive from a random base in 20000-31999 (below Linux's ephemeral range, so an
# outgoing connection never holds one). A port taken between this check and the bind makes the start fail, and
# the caller retries with another base.
pick_ports() {
  local n=$1 base attempt p ok
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if [ -n "${PEERS_PORT_BASE:-}" ]; then base=$PEERS_PORT_BASE; else base=$(( 20000 + (RANDOM % 1200) * 10 )); fi
    ok=yes
    for (( p = base; p < base + n; p++ )); do
      if port_in_use "$p"; then ok=no; break; fi
    done
    if [ "$ok" = yes ]; then echo "$base"; return 0; fi
    [ -z "${PEERS_PORT_BASE:-}" ] || break
  done
  return 1
}

# Waits until a TCP service on the port sends a first line starting with the expected text, or the deadline in
# seconds passes. Each attempt is a real connect and read: the loop waits on the server, never on a clock alone.
await_line() {
  local port=$1 expect=$2 deadline=$(( $(date +%s) + $3 )) line
  while :; do
    line=""
    if { exec 3<>"/dev/tcp/$LOOPBACK/$port"; } 2>/dev/null; then
      IFS= read -r -t 5 line <&3 || true
      exec 3<&- 3>&-
      [[ "$line" == "$expect"* ]] && return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "no '$expect' from $LOOPBACK:$port (last: ${line:-nothing})"; return 1; }
    # a refused connect returns at once; pace the next probe so the loop does not spin
    sleep 0.05
  done
}

# The first line of an implicit-TLS service, read through a verified TLS handshake. openssl runs as a coprocess
# so that its standard input stays open (no early close) and it is ended as soon as the line is read.
await_tls_line() {
  local port=$1 expect=$2 ca=$3 deadline=$(( $(date +%s) + $4 )) line
  while :; do
    line=""
    coproc TLS_PROBE { exec timeout 10 openssl s_client -connect "$LOOPBACK:$port" -CAfile "$ca" \
                         -verify_return_error -quiet 2>/dev/null; }
    IFS= read -r -t 10 line <&"${TLS_PROBE[0]}" || true
    kill "$TLS_PROBE_PID" 2>/dev/null || true
    wait "$TLS_PROBE_PID" 2>/dev/null || true
    [[ "$line" == "$expect"* ]] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { log "no '$expect' over TLS from $LOOPBACK:$port (last: ${line:-nothing})"; return 1; }
    sleep 0.05
  done
}

# Waits until the process is gone (bounded).
await_exit() {
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# DIR must be absolute-able, and either empty or one this script laid out before (so a wrong argument never
# gets its contents removed).
prepare_dir() {
  local peer=$1 dir=$2
  mkdir -p "$dir"
  if [ -n "$(ls -A "$dir")" ] && [ ! -e "$dir/.peers-$peer" ]; then
    die $EXIT_USAGE "$dir is not empty and was not made by peers.sh start $peer; give an empty or new directory"
  fi
  find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  : > "$dir/.peers-$peer"
}

# A short runtime directory for what must not live under DIR: Unix sockets (paths are limited to 107 bytes,
# and DIR may be deep in a build tree; Postfix's postlog socket is addressed by its absolute path) and
# whatever unprivileged daemons reach by absolute path (a DIR below a 0700 directory would lock them out).
# Derived from DIR, so that a later stop or start finds it again.
runtime_dir_for() {
  local sum
  sum="$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
  if [ -d /run ] && [ -w /run ]; then echo "/run/smtp-probe-peers/$sum"; else echo "/tmp/smtp-probe-peers-$sum"; fi
}

random_secret() {
  tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 24 || true
}

# A test CA and a server certificate it signs (ECDSA P-256: milliseconds to make, where RSA takes most of a
# second), made at every start so that no key is ever committed.
make_certificates() {
  local tls=$1 host=$2
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 90 -subj "/CN=smtp-probe peers test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -subj "/CN=$host" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:$host,DNS:localhost,IP:$LOOPBACK" > "$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -sha256 \
    -days 90 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  chmod 600 "$tls"/*.key
}

# ---------------------------------------------------------------------------------------------------- postfix
# One Postfix instance (its own config, queue and data directories, logging to DIR/maillog) with one smtpd
# listener per scenario, and Dovecot as its SASL server (auth only, one passwd-file user). Relays nowhere:
# only the local domain peer.test is accepted, and its mail is discarded once queued.

readonly POSTFIX_SCENARIOS=(STARTTLS ENCRYPT IMPLICIT_TLS REJECT_GREETING PLAINTEXT LOGIN_ONLY
  PROXY_PROTOCOL BARE_NEWLINE_FORBIDDEN BARE_NEWLINE_ALLOWED)

postfix_write_config() {
  local dir=$1 base=$2 auth_port=$3 run=$4
  local etc=$dir/etc dovecot=$dir/dovecot
  mkdir -p "$etc" "$dovecot"

  cat > "$etc/recipients.regexp" <<EOF
/^unknown@/  550 5.1.1 User unknown in virtual mailbox table
/^grey@/     450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/$DOMAIN.html
EOF

  cat > "$etc/main.cf" <<EOF
# written by scripts/peers.sh start postfix; rewritten at every start
compatibility_level = 3.6
queue_directory = $run/queue
data_directory = $run/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = mx.$DOMAIN
mydomain = $DOMAIN
myorigin = \$mydomain
mydestination = \$mydomain
mynetworks = $LOOPBACK/32
inet_interfaces = loopback-only
inet_protocols = ipv4
alias_maps =
alias_database =
biff = no

# Nothing leaves this machine: other domains are refused at RCPT, and any other delivery is an error.
default_transport = error:5.7.1 this test server delivers nowhere
relay_transport = error:5.7.1 this test server relays nowhere
local_transport = discard:accepted by the smtp-probe test server and discarded
local_recipient_maps =
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:$etc/recipients.regexp
message_size_limit = 20000

# Quick and independent of DNS: no flow-control stalls, no lookup of the client's name.
in_flow_delay = 0
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0

smtpd_tls_cert_file = $dir/tls/server.pem
smtpd_tls_key_file = $dir/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:$LOOPBACK:$auth_port
EOF

  # Scenario listeners at base+0.., in the order of POSTFIX_SCENARIOS.
  {
    echo "# written by scripts/peers.sh start postfix: one smtpd per scenario, then Postfix's internal services"
    echo "$LOOPBACK:$((base + 0)) inet n - n - - smtpd -o syslog_name=postfix/starttls"
    echo "$LOOPBACK:$((base + 1)) inet n - n - - smtpd -o syslog_name=postfix/encrypt -o smtpd_tls_security_level=encrypt"
    echo "$LOOPBACK:$((base + 2)) inet n - n - - smtpd -o syslog_name=postfix/implicit-tls -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt"
    echo "$LOOPBACK:$((base + 3)) inet n - n - - smtpd -o syslog_name=postfix/reject-greeting -o smtpd_client_restrictions=reject -o smtpd_delay_reject=no"
    echo "$LOOPBACK:$((base + 4)) inet n - n - - smtpd -o syslog_name=postfix/plaintext -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no"
    echo "$LOOPBACK:$((base + 5)) inet n - n - - smtpd -o syslog_name=postfix/login-only -o smtpd_sasl_mechanism_filter=login"
    # A listener behind a load balancer: every connection must open with a HAProxy PROXY header (v1 or v2).
    echo "$LOOPBACK:$((base + 6)) inet n - n - - smtpd -o syslog_name=postfix/proxy-protocol -o smtpd_upstream_proxy_protocol=haproxy -o smtpd_client_port_logging=yes"
    # SMTP smuggling (CVE-2023-51764): one listener refuses bare <LF>, one takes it as a line end, as before the fix.
    # The exclusions default to $mynetworks, which is loopback here: emptied so that the refusal applies to us.
    echo "$LOOPBACK:$((base + 7)) inet n - n - - smtpd -o syslog_name=postfix/bare-newline-forbidden -o smtpd_tls_security_level=none -o smtpd_forbid_bare_newline=yes -o smtpd_forbid_bare_newline_exclusions="
    echo "$LOOPBACK:$((base + 8)) inet n - n - - smtpd -o syslog_name=postfix/bare-newline-allowed -o smtpd_tls_security_level=none -o smtpd_forbid_bare_newline=no"
    cat <<'EOF'
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  } > "$etc/master.cf"

  # Dovecot: SASL only (no IMAP/POP3), one user, {PLAIN} storage so that CRAM-MD5 and SCRAM work as well.
  printf '%s:{PLAIN}%s::::::\n' "$PEER_USER" "$PEER_PASSWORD" > "$dovecot/passwd"
  chmod 600 "$dovecot/passwd"
  cat > "$dovecot/dovecot.conf" <<EOF
# written by scripts/peers.sh start postfix
protocols =
instance_name = smtp-probe-peers-$(basename "$run")
base_dir = $run/dovecot
state_dir = $dovecot/state
log_path = $dovecot/dovecot.log
listen = $LOOPBACK
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
auth_failure_delay = 0
auth_cache_size = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dovecot/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  user = root
  inet_listener {
    address = $LOOPBACK
    port = $auth_port
  }
}
# Without its socket, auth keeps no per-IP failure penalty: otherwise one wrong-password test would slow
# every later AUTH from 127.0.0.1 by 2 to 15 s for half a minute.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
  mkdir -p "$dovecot/state"
  # Postfix rereads a main.cf modified within the last second or two until it "settles" (300 ms dozes, about
  # 2.5 s in all); files dated in the past are read at once.
  touch -d '-1 minute' "$etc"/* "$dovecot/dovecot.conf" "$dovecot/passwd"
}

postfix_start() {
  local dir=$1 started base attempt run
  for cmd in postfix postconf dovecot openssl; do
    command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || die $EXIT_FAILED "$cmd not found: run peers.sh ensure postfix first"
  done
  [ "$(id -u)" -eq 0 ] || die $EXIT_FAILED "starting Postfix needs root (its master process runs as root)"
  started="$(now_ms)"
  trace "start postfix"
  postfix_stop "$dir" quiet
  trace "stale instance stopped"
  prepare_dir postfix "$dir"
  run="$(runtime_dir_for "$dir")"

  PEER_USER="alice@$DOMAIN"
  PEER_PASSWORD="$(random_secret)"
  make_certificates "$dir/tls" "mx.$DOMAIN"
  trace "certificates made"
  printf '%s\n' "$PEER_PASSWORD" > "$dir/password"
  chmod 600 "$dir/password"

  for attempt in 1 2 3; do
    base="$(pick_ports 10)" || die $EXIT_FAILED "no 10 free consecutive loopback ports found"
    local auth_port=$((base + 9))
    postfix_write_config "$dir" "$base" "$auth_port" "$run"
    rm -rf "$run"
    mkdir -p "$run/queue" "$run/data"
    chmod 755 "$(dirname "$run")" "$run"
    chown postfix "$run/data"
    ln -sfn "$run/queue" "$dir/queue"
    if ! dovecot -c "$dir/dovecot/dovecot.conf" 2>>"$dir/dovecot/dovecot.log"; then
      tail -n 5 "$dir/dovecot/dovecot.log" >&2
      [ -z "${PEERS_PORT_BASE:-}" ] && continue || die $EXIT_FAILED "dovecot did not start"
    fi
    await_line "$auth_port" "VERSION" 15 || { postfix_stop "$dir" quiet; continue; }
    trace "dovecot answers"
    # `postfix start` returns once master has bound every listener (master -w), or fails if one is taken.
    if ! postfix -c "$dir/etc" start >>"$dir/postfix-start.log" 2>&1; then
      # Postfix writes its reasons to the maillog, not to the terminal.
      tail -q -n 5 "$dir/postfix-start.log" "$dir/maillog" >&2 2>/dev/null || true
      postfix_stop "$dir" quiet
      [ -z "${PEERS_PORT_BASE:-}" ] && continue || die $EXIT_FAILED "postfix did not start"
    fi
    trace "postfix started"
    if await_line "$((base + 0))" "220 " 15 && await_line "$((base + 1))" "220 " 15 \
        && await_line "$((base + 3))" "554 " 15 && await_line "$((base + 4))" "220 " 15 \
        && await_line "$((base + 5))" "220 " 15 && await_line "$((base + 7))" "220 " 15 \
        && await_line "$((base + 8))" "220 " 15 && await_tls_line "$((base + 2))" "220 " "$dir/tls/ca.pem" 15; then
      trace "every listener answers"
      postfix_report "$dir" "$base" "$auth_port" "$started" | tee "$dir/peer.env"
      return 0
    fi
    tail -q -n 5 "$dir/maillog" "$dir/dovecot/dovecot.log" >&2 2>/dev/null || true
    postfix_stop "$dir" quiet
    [ -z "${PEERS_PORT_BASE:-}" ] || break
  done
  die $EXIT_FAILED "postfix did not answer on its ports; see $dir/maillog and $dir/dovecot/dovecot.log"
}

postfix_report() {
  local dir=$1 base=$2 auth_port=$3 started=$4 i=0 name
  echo "PEER=postfix"
  echo "HOST=$LOOPBACK"
  echo "DOMAIN=$DOMAIN"
  for name in "${POSTFIX_SCENARIOS[@]}"; do
    echo "PORT_$name=$((base + i))"
    i=$((i + 1))
  done
  echo "SASL_PORT=$auth_port"
  echo "USER=$PEER_USER"
  echo "PASSWORD=$PEER_PASSWORD"
  echo "PASSWORD_FILE=$dir/password"
  echo "CA_CERT=$dir/tls/ca.pem"
  echo "SERVER_CERT=$dir/tls/server.pem"
  echo "SERVER_NAME=mx.$DOMAIN"
  echo "MAILLOG=$dir/maillog"
  echo "CONFIG_DIR=$dir/etc"
  echo "QUEUE_DIR=$(runtime_dir_for "$dir")/queue"
  echo "POSTFIX_VERSION=$(postconf -c "$dir/etc" -h mail_version)"
  echo "DOVECOT_VERSION=$(dovecot --version | cut -d' ' -f1)"
  echo "START_MILLIS=$(( $(now_ms) - started ))"
}

# Postfix's master and Dovecot's each take a few seconds to wind down their children, so both are told to stop
# first and then awaited together.
postfix_stop() {
  local dir=$1 quiet=${2:-} pid run pids=()
  [ -d "$dir" ] || return 0
  run="$(runtime_dir_for "$dir")"
  if [ -f "$dir/etc/main.cf" ] && [ -f "$run/queue/pid/master.pid" ]; then
    pid="$(tr -dc '0-9' < "$run/queue/pid/master.pid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      postfix -c "$dir/etc" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  fi
  if [ -f "$run/dovecot/master.pid" ]; then
    pid="$(tr -dc '0-9' < "$run/dovecot/master.pid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  fi
  for pid in "${pids[@]}"; do
    await_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$run"
  [ -n "$quiet" ] || echo "STOPPED=postfix"
}

# ---------------------------------------------------------------------------------------------------- dns
# NSD serving peer.test, signed at every start (ECDSA P-256 KSK and ZSK from ldns-keygen, ldns-signzone), and
# Unbound validating it with the KSK's DS as its only trust anchor. Unbound asks NSD for peer.test and forwards
# every other name (the root included) to NSD too, which refuses them: nothing ever leaves the machine.
#   peer.test            MX 10 mx.peer.test, SPF and DMARC records
#   mx.peer.test         A 127.0.0.1 (where the postfix peer listens)
#   implicit.peer.test   A 127.0.0.1 and no MX (implicit MX)
#   nullmx.peer.test     MX 0 . (RFC 7505)
#   bogus.peer.test      A whose data was changed after signing: Unbound answers SERVFAIL
# Anything else under peer.test is NXDOMAIN, with NSEC proof. NSD also serves 127.in-addr.arpa (unsigned), where
# 127.0.0.1 is mx.peer.test, so that the PTR of the Postfix peer confirms its greeting name (FCrDNS).

dns_zone() {
  cat <<EOF
\$ORIGIN $DOMAIN.
\$TTL 300
@         IN SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@         IN NS   ns.$DOMAIN.
@         IN MX   10 mx.$DOMAIN.
@         IN TXT  "v=spf1 ip4:$LOOPBACK -all"
_dmarc    IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@$DOMAIN"
ns        IN A    $LOOPBACK
mx        IN A    $LOOPBACK
implicit  IN A    $LOOPBACK
nullmx    IN MX   0 .
bogus     IN A    $LOOPBACK
EOF
}

await_dns() {
  local port=$1 name=$2 type=$3 expect=$4 deadline=$(( $(date +%s) + $5 )) answer
  while :; do
    answer="$(dig @"$LOOPBACK" -p "$port" "$name" "$type" +dnssec +time=1 +tries=1 2>/dev/null || true)"
    grep -Eq "$expect" <<<"$answer" && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { log "no answer matching '$expect' for $name $type from $LOOPBACK:$port"; return 1; }
    sleep 0.05
  done
}

dns_reverse_zone() {
  cat <<EOF
\$ORIGIN 127.in-addr.arpa.
\$TTL 300
@         IN SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@         IN NS   ns.$DOMAIN.
1.0.0     IN PTR  mx.$DOMAIN.
EOF
}

dns_write_config() {
  local dir=$1 nsd_port=$2 unbound_port=$3
  mkdir -p "$dir/nsd" "$dir/unbound"
  cat > "$dir/nsd/nsd.conf" <<EOF
# written by scripts/peers.sh start dns
server:
  ip-address: $LOOPBACK@$nsd_port
  do-ip6: no
  port: $nsd_port
  username: ""
  chroot: ""
  zonesdir: "$dir/nsd"
  database: ""
  zonelistfile: "$dir/nsd/zone.list"
  xfrdfile: "$dir/nsd/xfrd.state"
  xfrdir: "$dir/nsd"
  pidfile: "$dir/nsd/nsd.pid"
  logfile: "$dir/nsd/nsd.log"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "$DOMAIN"
  zonefile: "$dir/zone/$DOMAIN.zone.signed"
zone:
  name: "127.in-addr.arpa"
  zonefile: "$dir/zone/127.in-addr.arpa.zone"
EOF
  cat > "$dir/unbound/unbound.conf" <<EOF
# written by scripts/peers.sh start dns
server:
  interface: $LOOPBACK@$unbound_port
  port: $unbound_port
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$dir/unbound"
  pidfile: "$dir/unbound/unbound.pid"
  logfile: "$dir/unbound/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  do-not-query-localhost: no
  # RFC 6761 makes test. and 127.in-addr.arpa. default local zones of Unbound's; here NSD serves both.
  local-zone: "test." nodefault
  local-zone: "127.in-addr.arpa." nodefault
  trust-anchor-file: "$dir/zone/trust-anchor.ds"
  module-config: "validator iterator"
  qname-minimisation: no
  cache-max-ttl: 60
  cache-max-negative-ttl: 5
remote-control:
  control-enable: no
stub-zone:
  name: "$DOMAIN."
  stub-addr: $LOOPBACK@$nsd_port
forward-zone:
  name: "."
  forward-addr: $LOOPBACK@$nsd_port
EOF
}

dns_sign_zone() {
  local zone=$1 ksk zsk
  mkdir -p "$zone"
  dns_zone > "$zone/$DOMAIN.zone"
  dns_reverse_zone > "$zone/127.in-addr.arpa.zone"
  ( cd "$zone"
    ksk="$(ldns-keygen -a ECDSAP256SHA256 -k "$DOMAIN")"
    zsk="$(ldns-keygen -a ECDSAP256SHA256 "$DOMAIN")"
    ldns-signzone -f "$DOMAIN.zone.signed" "$DOMAIN.zone" "$ksk" "$zsk"
    ldns-key2ds -n -2 "$ksk.key" > trust-anchor.ds
    echo "$ksk" > ksk.name
    # Break one record after signing: its RRSIG no longer verifies, so a validating resolver calls it bogus.
    sed -i -E "s/^(bogus\.$DOMAIN\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+)$LOOPBACK\$/\\1127.0.0.2/" "$DOMAIN.zone.signed"
    grep -Eq "^bogus\.$DOMAIN\.[[:space:]].*A[[:space:]]+127\.0\.0\.2\$" "$DOMAIN.zone.signed"
  )
}

dns_start() {
  local dir=$1 started base attempt
  for cmd in nsd unbound ldns-keygen ldns-signzone ldns-key2ds dig; do
    command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || die $EXIT_FAILED "$cmd not found: run peers.sh ensure dns first"
  done
  started="$(now_ms)"
  trace "start dns"
  dns_stop "$dir" quiet
  prepare_dir dns "$dir"
  dns_sign_zone "$dir/zone" || die $EXIT_FAILED "signing $DOMAIN failed"
  trace "zone signed"
  for attempt in 1 2 3; do
    base="$(pick_ports 2)" || die $EXIT_FAILED "no 2 free consecutive loopback ports found"
    dns_write_config "$dir" "$base" "$((base + 1))"
    if ! nsd -c "$dir/nsd/nsd.conf" >>"$dir/nsd/start.log" 2>&1 \
        || ! await_dns "$base" "$DOMAIN" SOA "flags:[^;]* aa[ ;]" 10; then
      tail -n 5 "$dir/nsd/nsd.log" "$dir/nsd/start.log" >&2 2>/dev/null || true
      dns_stop "$dir" quiet
      [ -z "${PEERS_PORT_BASE:-}" ] && continue || die $EXIT_FAILED "nsd did not start"
    fi
    trace "nsd answers"
    if ! unbound -c "$dir/unbound/unbound.conf" >>"$dir/unbound/start.log" 2>&1; then
      tail -n 5 "$dir/unbound/unbound.log" "$dir/unbound/start.log" >&2 2>/dev/null || true
      dns_stop "$dir" quiet
      [ -z "${PEERS_PORT_BASE:-}" ] && continue || die $EXIT_FAILED "unbound did not start"
    fi
    # Ready means validating: the zone's SOA comes back with the AD flag, and the broken record as SERVFAIL.
    if await_dns "$((base + 1))" "$DOMAIN" SOA "flags:[^;]* ad[ ;]" 10 \
        && await_dns "$((base + 1))" "bogus.$DOMAIN" A "status: SERVFAIL" 10; then
      trace "unbound validates"
      dns_report "$dir" "$base" "$((base + 1))" "$started" | tee "$dir/peer.env"
      return 0
    fi
    tail -n 5 "$dir/unbound/unbound.log" >&2 2>/dev/null || true
    dns_stop "$dir" quiet
    [ -z "${PEERS_PORT_BASE:-}" ] || break
  done
  die $EXIT_FAILED "the dns peer did not answer; see $dir/nsd/nsd.log and $dir/unbound/unbound.log"
}

dns_report() {
  local dir=$1 nsd_port=$2 unbound_port=$3 started=$4
  echo "PEER=dns"
  echo "HOST=$LOOPBACK"
  echo "ZONE=$DOMAIN"
  echo "NSD_PORT=$nsd_port"
  echo "UNBOUND_PORT=$unbound_port"
  echo "TRUST_ANCHOR=$dir/zone/trust-anchor.ds"
  echo "ZONE_FILE=$dir/zone/$DOMAIN.zone.signed"
  echo "KSK=$(cat "$dir/zone/ksk.name")"
  echo "BOGUS_NAME=bogus.$DOMAIN"
  echo "NSD_VERSION=$(nsd -v 2>&1 | awk 'NR==1 {print $3}')"
  echo "UNBOUND_VERSION=$(unbound -V | awk 'NR==1 {print $2}')"
  echo "START_MILLIS=$(( $(now_ms) - started ))"
}

dns_stop() {
  local dir=$1 quiet=${2:-} pid pidfile pids=()
  [ -d "$dir" ] || return 0
  for pidfile in "$dir/nsd/nsd.pid" "$dir/unbound/unbound.pid"; do
    [ -f "$pidfile" ] || continue
    pid="$(tr -dc '0-9' < "$pidfile")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for pid in "${pids[@]}"; do
    await_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$quiet" ] || echo "STOPPED=dns"
}

# ---------------------------------------------------------------------------------------------------- prometheus

# Sends a GET and waits for an HTTP 200 status line (bounded), over bash's /dev/tcp: no curl needed.
await_http_ok() {
  local port=$1 path=$2 deadline=$(( $(date +%s) + $3 )) line
  while :; do
    line=""
    if { exec 3<>"/dev/tcp/$LOOPBACK/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$LOOPBACK" >&3
      IFS= read -r -t 5 line <&3 || true
      exec 3<&- 3>&-
      [[ "$line" == "HTTP/1."?" 200"* ]] && return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "no HTTP 200 from $LOOPBACK:$port$path (last: ${line:-nothing})"; return 1; }
    sleep 0.1
  done
}

# Prometheus scraping whatever the tests list in file_sd files: TARGETS_DIR/metrics/*.json for /metrics,
# TARGETS_DIR/probe/*.json for /probe (a target's labels may set __param_target and __param_module). Scrapes
# every second so a test waits seconds, not minutes; keeps its data under DIR.
prometheus_write_config() {
  local dir=$1
  mkdir -p "$dir/targets/metrics" "$dir/targets/probe" "$dir/data"
  cat > "$dir/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: smtp-probe
    file_sd_configs:
      - files: ["$dir/targets/metrics/*.json"]
        refresh_interval: 1s
  - job_name: smtp-probe-now
    metrics_path: /probe
    scrape_interval: 5s
    scrape_timeout: 5s
    file_sd_configs:
      - files: ["$dir/targets/probe/*.json"]
        refresh_interval: 1s
CONF
}

prometheus_start() {
  local dir=$1 started port attempt pid
  command -v prometheus >/dev/null || die $EXIT_FAILED "prometheus not found: run peers.sh ensure prometheus first"
  started="$(now_ms)"
  prometheus_stop "$dir" quiet
  prepare_dir prometheus "$dir"
  prometheus_write_config "$dir"
  for attempt in 1 2 3; do
    port="$(pick_ports 1)" || die $EXIT_FAILED "no free loopback port found"
    nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
      --web.listen-address="$LOOPBACK:$port" --log.level=warn >"$dir/prometheus.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$dir/prometheus.pid"
    if await_http_ok "$port" /-/ready 30; then
      prometheus_report "$dir" "$port" "$started" | tee "$dir/peer.env"
      return 0
    fi
    tail -n 5 "$dir/prometheus.log" >&2 2>/dev/null || true
    prometheus_stop "$dir" quiet
    [ -z "${PEERS_PORT_BASE:-}" ] || break
  done
  die $EXIT_FAILED "prometheus did not become ready; see $dir/prometheus.log"
}

prometheus_report() {
  local dir=$1 port=$2 started=$3
  echo "PEER=prometheus"
  echo "HOST=$LOOPBACK"
  echo "PORT=$port"
  echo "URL=http://$LOOPBACK:$port"
  echo "TARGETS_DIR=$dir/targets"
  echo "PROMETHEUS_VERSION=$(prometheus --version 2>&1 | awk 'NR==1 {print $3}')"
  echo "START_MILLIS=$(( $(now_ms) - started ))"
}

prometheus_stop() {
  local dir=$1 quiet=${2:-} pid
  [ -d "$dir" ] || return 0
  if [ -f "$dir/prometheus.pid" ]; then
    pid="$(tr -dc '0-9' < "$dir/prometheus.pid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      await_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/prometheus.pid"
  fi
  [ -n "$quiet" ] || echo "STOPPED=prometheus"
}

# ---------------------------------------------------------------------------------------------------- dante
# Two Dante SOCKS5 servers from one DIR: NOAUTH_PORT (socksmethod none) and AUTH_PORT (socksmethod username, which
# Dante checks against the system's password database: a throwaway system user, smtpprobe-socks, gets a fresh
# random password at every start; no interactive step). Both listen on 127.0.0.1 only and pass CONNECT only to
# 127.0.0.0/8: they are no open proxy, and the tests reach only loopback through them.

readonly DANTE_USER=smtpprobe-socks

dante_write_config() {
  local dir=$1 name=$2 port=$3 method=$4
  cat > "$dir/$name.conf" <<CONF
logoutput: $dir/$name.log
internal: $LOOPBACK port = $port
external: $LOOPBACK
clientmethod: none
socksmethod: $method
user.privileged: root
user.unprivileged: nobody
client pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
  log: error
}
socks pass {
  from: 127.0.0.0/8 to: 127.0.0.0/8
  command: connect
  log: connect disconnect error
}
socks block {
  from: 0.0.0.0/0 to: 0.0.0.0/0
  log: connect error
}
CONF
}

# Waits until a SOCKS5 server answers a greeting offering METHOD (00 none, 02 user name and password) with that
# method: a real connect, write and read each time.
await_socks() {
  local port=$1 method=$2 deadline=$(( $(date +%s) + $3 )) got
  while :; do
    got=""
    if { exec 3<>"/dev/tcp/$LOOPBACK/$port"; } 2>/dev/null; then
      printf '\x05\x01\x'"$method" >&3
      got="$(timeout 5 head -c 2 <&3 | od -An -tx1 | tr -d ' \n' || true)"
      exec 3<&- 3>&-
      [ "$got" = "05$method" ] && return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "no SOCKS5 method $method from $LOOPBACK:$port (got: ${got:-nothing})"; return 1; }
    sleep 0.05
  done
}

dante_start() {
  local dir=$1 started base attempt password
  command -v danted >/dev/null || die $EXIT_FAILED "danted not found: run peers.sh ensure dante first"
  [ "$(id -u)" -eq 0 ] || die $EXIT_FAILED "dante's username method checks system passwords: peers.sh start dante needs root"
  started="$(now_ms)"
  dante_stop "$dir" quiet
  prepare_dir dante "$dir"
  if ! id "$DANTE_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$DANTE_USER" \
      || die $EXIT_FAILED "could not add the system user $DANTE_USER"
  fi
  password="$(random_secret)"
  printf '%s:%s\n' "$DANTE_USER" "$password" | chpasswd || die $EXIT_FAILED "could not set the password of $DANTE_USER"
  printf '%s\n' "$password" > "$dir/password"
  chmod 600 "$dir/password"
  for attempt in 1 2 3; do
    base="$(pick_ports 2)" || die $EXIT_FAILED "no 2 free consecutive loopback ports found"
    dante_write_config "$dir" noauth "$base" none
    dante_write_config "$dir" auth "$((base + 1))" username
    if danted -D -f "$dir/noauth.conf" -p "$dir/noauth.pid" >>"$dir/start.log" 2>&1 \
        && danted -D -f "$dir/auth.conf" -p "$dir/auth.pid" >>"$dir/start.log" 2>&1 \
        && await_socks "$base" 00 10 && await_socks "$((base + 1))" 02 10; then
      dante_report "$dir" "$base" "$((base + 1))" "$started" | tee "$dir/peer.env"
      return 0
    fi
    tail -n 5 "$dir/start.log" "$dir/noauth.log" "$dir/auth.log" >&2 2>/dev/null || true
    dante_stop "$dir" quiet
    [ -z "${PEERS_PORT_BASE:-}" ] || break
  done
  die $EXIT_FAILED "dante did not answer; see $dir/noauth.log and $dir/auth.log"
}

dante_report() {
  local dir=$1 noauth=$2 auth=$3 started=$4
  echo "PEER=dante"
  echo "HOST=$LOOPBACK"
  echo "NOAUTH_PORT=$noauth"
  echo "AUTH_PORT=$auth"
  echo "USER=$DANTE_USER"
  echo "PASSWORD_FILE=$dir/password"
  echo "NOAUTH_LOG=$dir/noauth.log"
  echo "AUTH_LOG=$dir/auth.log"
  echo "DANTE_VERSION=$(danted -v 2>&1 | awk 'NR==1 {print $2}' | tr -d 'v.' | sed 's/^\(.\)\(.\)\(.\)$/\1.\2.\3/')"
  echo "START_MILLIS=$(( $(now_ms) - started ))"
}

dante_stop() {
  local dir=$1 quiet=${2:-} pid pidfile pids=()
  [ -d "$dir" ] || return 0
  for pidfile in "$dir/noauth.pid" "$dir/auth.pid"; do
    [ -f "$pidfile" ] || continue
    pid="$(tr -dc '0-9' < "$pidfile")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$pidfile"
  done
  for pid in "${pids[@]}"; do
    await_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$quiet" ] || echo "STOPPED=dante"
}

# ---------------------------------------------------------------------------------------------------- main

cmd_start_stop() {
  local action=$1 peer=${2:-} dir=${3:-}
  [ -n "$peer" ] && [ -n "$dir" ] || die $EXIT_USAGE "usage: peers.sh $action PEER DIR"
  packages_of "$peer" >/dev/null || die $EXIT_USAGE "unknown peer: $peer"
  dir="$(realpath -m "$dir")"
  case "$peer" in
    postfix) "postfix_$action" "$dir" ;;
    dns)     "dns_$action" "$dir" ;;
    prometheus) "prometheus_$action" "$dir" ;;
    dante)   "dante_$action" "$dir" ;;
    *)       die $EXIT_USAGE "peer $peer is ensure-only for now (no start/stop yet)" ;;
  esac
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    ensure)   cmd_ensure "$@" ;;
    start)    cmd_start_stop start "$@" ;;
    stop)     cmd_start_stop stop "$@" ;;
    packages)
      [ $# -eq 1 ] && packages_of "$1" >/dev/null || die $EXIT_USAGE "usage: peers.sh packages PEER (postfix dns prometheus chromium dante swaks)"
      packages_of "$1" | tr ' ' '\n' ;;
    *)        sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit $EXIT_USAGE ;;
  esac
}

main "$@"
