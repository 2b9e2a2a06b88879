#!/usr/bin/env bash
# Make sure Debian's Chromium is installed: the console's tests drive it with Playwright
# (Playwright's own browser download cannot work offline, so it is never used).
set -euo pipefail
CHROMIUM=${DROM_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
echo "Installing Debian's chromium package for the console's browser tests ..."
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Chromium is missing at $CHROMIUM and this user cannot install packages." >&2
    echo "Install it once with: sudo apt-get install -y chromium   (or set DROM_CHROMIUM to a Chromium binary)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
"$CHROMIUM" --version
