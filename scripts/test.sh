#!/usr/bin/env bash
# The project's one test command (the README's second set-up command, and what CI runs).
#
# It installs what the tests need when it is missing: Rust comes with the machine; the open
# EDA tools (yosys, iverilog, verilator) come from Debian's packages and are installed as root.
# Tests never skip because a tool is absent: if it cannot be installed, this script fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in yosys iverilog verilator; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if ((${#need[@]})); then
    echo "test.sh: installing ${need[*]} from Debian's packages" >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "test.sh: ${need[*]} missing and not root (no sudo): install them with apt-get" >&2
        exit 1
    fi
    for tool in "${need[@]}"; do
        command -v "$tool" >/dev/null || { echo "test.sh: $tool still missing after install" >&2; exit 1; }
    done
fi

# Everything compiles, benches and examples included (dev profile: checks, does not run them).
cargo build --workspace --all-targets --locked
# The test suite: golden models against Plonky3, CPU kernels against the golden models,
# trace files, the CLI. Seeds are fresh each run and printed; SLOTPROOF_SEED=N replays one.
cargo test --workspace --locked "$@"
