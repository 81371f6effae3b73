#!/usr/bin/env bash
# The project's one test command (the README's second set-up command, and what CI runs).
#
# It installs what the tests need when it is missing: Rust comes with the machine; the open
# EDA tools (yosys, iverilog, verilator; nextpnr-ice40 and icepack for the iCE40 place and
# route) come from Debian's packages and are installed as root. Tests never skip because a tool
# is absent: if it cannot be installed, this script fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each tool, and the Debian package that provides it.
declare -A package=(
    [yosys]=yosys [iverilog]=iverilog [verilator]=verilator
    [nextpnr-ice40]=nextpnr-ice40 [icepack]=fpga-icestorm
)
missing=()
for tool in "${!package[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    need=()
    for tool in "${missing[@]}"; do
        need+=("${package[$tool]}")
    done
    echo "test.sh: installing ${need[*]} from Debian's packages (for ${missing[*]})" >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "test.sh: ${missing[*]} missing and not root (no sudo): apt-get install ${need[*]}" >&2
        exit 1
    fi
    for tool in "${missing[@]}"; do
        command -v "$tool" >/dev/null || { echo "test.sh: $tool still missing after install" >&2; exit 1; }
    done
fi

# A one-off build gains nothing from incremental caches, and they cost gigabytes of disk
# (about a third of a fresh target directory). Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Everything compiles, benches and examples included (dev profile: checks, does not run them).
cargo build --workspace --all-targets --locked
# The test suite: golden models against Plonky3, CPU kernels against the golden models,
# trace files, the CLI. Seeds are fresh each run and printed; SLOTPROOF_SEED=N replays one.
cargo test --workspace --locked "$@"
