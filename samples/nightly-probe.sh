#!/usr/bin/env bash
# Probe a mail domain, keep the JSON report, and alert on any non-zero exit code.
# Usage: nightly-probe.sh DOMAIN ALERT_ADDRESS
set -u
domain="$1"
alert_to="$2"
dir="${SMTP_PROBE_REPORTS:-/var/lib/smtp-probe}"
mkdir -p "$dir"
out="$dir/$domain-$(date +%F).json"

"$(dirname "$0")/../smtp-probe" probe "$domain" --all-mx --format json \
    --metrics-file "$dir/$domain.prom" > "$out"
status=$?

if [ "$status" -ne 0 ]; then
  verdict=$(sed -n 's/.*"verdict" *: *"\([A-Z]*\)".*/\1/p' "$out" | head -n 1)
  summary=$(sed -n 's/.*"summary" *: *"\([^"]*\)".*/\1/p' "$out" | head -n 1)
  printf 'smtp-probe %s for %s (exit %s): %s\n\nFull report: %s\n' \
      "${verdict:-UNKNOWN}" "$domain" "$status" "${summary:-see report}" "$out" |
    mail -s "smtp-probe ${verdict:-UNKNOWN}: $domain" "$alert_to"
fi
exit "$status"
