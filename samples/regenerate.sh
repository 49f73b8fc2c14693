#!/usr/bin/env bash
# Regenerates samples/output from the real program, so the samples cannot drift from what smtp-probe prints.
# Each sample is one demo scenario (embedded servers on loopback, no network) in each output format.
# Ports and temporary paths differ from run to run; everything else is what a user sees.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/samples/output"
mkdir -p "$out"
for scenario in healthy greylisting unknown-recipient dead-backup-mx null-mx submission-auth dane-mta-sts dane-mismatch smtp-smuggling socks-proxy; do
  for format in text json nagios; do
    # The demo exits 0 when the scenario shows the verdict it is meant to show.
    "$root/smtp-probe" demo --only "$scenario" --format "$format" --no-color > "$out/$scenario.$format"
  done
done
echo "samples regenerated in $out"
