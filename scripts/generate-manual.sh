#!/usr/bin/env bash
# Regenerates Docs/man/deferred-memd.8 from the command-line definitions (swift-argument-parser's plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift package --allow-writing-to-directory "$out" generate-manual --output-directory "$out" --section 8 --authors "deferred-memd developers"
cp "$out/deferred-memd.8" Docs/man/deferred-memd.8
