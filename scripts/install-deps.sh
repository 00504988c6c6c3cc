#!/usr/bin/env bash
# Installs what building and testing nazorg-hub needs on Debian 12, when it is missing:
# librdkafka (2.0.2), OpenSSL and SQLite headers, kcat (interop tests), the time-zone data
# (Dutch days are counted in Europe/Amsterdam), and the Python packages that validate the
# contracts, and headless Chromium with its driver and selenium for the coordinator page's
# browser test.
set -euo pipefail
need=()
for pkg in librdkafka-dev libssl-dev libsqlite3-dev kcat python3-pip tzdata chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! python3 -c 'import jsonschema, referencing, yaml, openapi_spec_validator, pytest' 2>/dev/null; then
  python3 -m pip install -q jsonschema referencing PyYAML openapi-spec-validator pytest
fi
if ! python3 -c 'import selenium' 2>/dev/null; then
  python3 -m pip install -q selenium
fi
