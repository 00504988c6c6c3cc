#!/usr/bin/env bash
# Builds nazorg-hub and runs the demo: the whole chain on the embedded broker with a
# simulated PI desk and simulated partners. Extra arguments go to `nazorg-hub demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product nazorg-hub
exec .build/release/nazorg-hub demo "$@"
