#!/usr/bin/env bash
# Runs every test: contract validation (Python) and the Swift test suite, which includes
# the Kafka layer on the embedded broker, kcat interop and the end-to-end chain.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== contracts"
python3 Tests/contracts/validate.py all
python3 -m pytest -q -p no:cacheprovider Tests/contracts
python3 Contracts/reference/generate_swift.py --check
echo "== swift"
# The coordinator page's browser tests keep their screenshots here (ignored by git).
export NAZORG_SCREENSHOTS="$PWD/Tests/browser/output"
swift build --build-tests
swift test --skip-build --no-parallel
