#!/usr/bin/env bash
# Compile-time figures for BENCHMARKS.md, side by side in one run:
#  1. one module crate (jpm) in builder vs positional style, dependencies already built;
#  2. the facade with one feature (jpm) vs `full`, dependencies of each already built;
#  3. `cargo xtask codegen` over all specs.
# Usage: benches/compile-time.sh [rounds]   (run from the repository root)
set -euo pipefail
rounds=${1:-3}
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"
cargo build --quiet --release -p xtask
xtask="$root/target/release/xtask"
mkdir -p "$work/specs" && cp specs/jpm.yaml "$work/specs/"
"$xtask" codegen --specs "$work/specs" --out "$work/builder" >/dev/null
"$xtask" codegen --specs "$work/specs" --out "$work/positional" --positional >/dev/null
lines() { wc -l < "$1/crates/servicetitan-jpm/src/generated.rs"; }
echo "generated lines: builder $(lines "$work/builder"), positional $(lines "$work/positional")"

time_build() { # manifest-dir package
  touch "$1/crates/servicetitan-jpm/src/generated.rs" 2>/dev/null || true
  local t0=$(date +%s.%N)
  cargo build --quiet --manifest-path "$1/Cargo.toml" -p "$2"
  echo "$(date +%s.%N) - $t0" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Dependencies first, so only the module crate itself is timed.
# (CARGO_TARGET_DIR above keeps all of this out of the repository's target/.)
cargo build --quiet --manifest-path "$work/builder/Cargo.toml" -p servicetitan-jpm
cargo build --quiet --manifest-path "$work/positional/Cargo.toml" -p servicetitan-jpm
b=(); p=()
for _ in $(seq "$rounds"); do
  b+=("$(time_build "$work/builder" servicetitan-jpm)")
  p+=("$(time_build "$work/positional" servicetitan-jpm)")
done
mb=$(printf '%s\n' "${b[@]}" | median); mp=$(printf '%s\n' "${p[@]}" | median)
echo "jpm crate build (debug, deps built), median of $rounds: builder ${mb}s, positional ${mp}s, ratio $(echo "scale=2; $mb / $mp" | bc)"

# Facade: one feature vs full. Dependencies are built first; then the facade and its module
# crates are cleaned and rebuilt, so only they are timed.
facade() { # features
  cargo build --quiet -p servicetitan --no-default-features --features "$1" >/dev/null
  local pkgs="-p servicetitan"
  if [ "$1" = full ]; then
    for d in crates/servicetitan-*/; do
      n=$(basename "$d"); case "$n" in servicetitan-core|servicetitan-mock|servicetitan-cli) ;; *) pkgs="$pkgs -p $n";; esac
    done
  else
    pkgs="$pkgs -p servicetitan-$1"
  fi
  cargo clean --quiet $pkgs
  local t0=$(date +%s.%N)
  cargo build --quiet -p servicetitan --no-default-features --features "$1"
  echo "$(date +%s.%N) - $t0" | bc
}
one=$(facade jpm); full=$(facade full)
echo "facade with its module crates (debug, deps built): jpm only ${one}s, full ${full}s, ratio $(echo "scale=2; $full / $one" | bc)"

t0=$(date +%s.%N); "$xtask" codegen --check >/dev/null; t1=$(date +%s.%N)
echo "cargo xtask codegen --check over all specs: $(echo "$t1 - $t0" | bc)s"
