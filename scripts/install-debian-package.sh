#!/usr/bin/env bash
# Make sure a program from Debian's packages is installed, for the tests:
#   scripts/install-debian-package.sh BINARY PACKAGE WHY
# e.g. Chromium for the console's browser tests (Playwright's own browser download cannot work
# offline, so it is never used) and Redis for the tests of several Rasa instances.
set -euo pipefail
BINARY=$1 PACKAGE=$2 WHY=$3
if [ -x "$BINARY" ]; then
    exit 0
fi
echo "Installing Debian's $PACKAGE package for $WHY ..."
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "$BINARY is missing and this user cannot install packages." >&2
    echo "Install it once with: sudo apt-get install -y $PACKAGE" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q "$PACKAGE" >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "$PACKAGE" >/dev/null; }
"$BINARY" --version
