#!/usr/bin/env bash
# Cold-start figures as ratios, the commands alternated round by round so that load from elsewhere on the machine
# falls on all of them alike (hyperfine runs each command's runs back to back). Prints the median wall time of
# each command and its ratio to the first.
#
#   scripts/coldstart.sh ROUNDS 'name=command' 'name=command' ...
#
# Example (the README's figures):
#   scripts/coldstart.sh 15 "swaks=swaks --version" "smtp-probe=./smtp-probe --version"
set -euo pipefail
rounds=$1
shift
names=() cmds=()
for spec in "$@"; do
  names+=("${spec%%=*}")
  cmds+=("${spec#*=}")
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for ((r = 0; r < rounds + 1; r++)); do
  for i in "${!cmds[@]}"; do
    start=$(date +%s%N)
    bash -c "${cmds[$i]}" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    # The first round warms the page cache and is not counted.
    [ "$r" -gt 0 ] && echo $(((end - start) / 1000000)) >>"$tmp/$i"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
base="$(median "$tmp/0")"
printf '| %-44s | %10s | %8s |\n' "command ($rounds rounds, alternated)" "median ms" "ratio"
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..10})"
for i in "${!cmds[@]}"; do
  m="$(median "$tmp/$i")"
  printf '| %-44s | %10s | %8s |\n' "${names[$i]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.2f", a / b}')"
done
