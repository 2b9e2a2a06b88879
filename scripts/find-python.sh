#!/usr/bin/env sh
# Print the path of a working Python 3.10 interpreter, or explain how to get one.
# Rasa 3.6 runs on Python 3.8-3.10 only and python-telegram-bot 22 needs >= 3.10, so Drom needs exactly 3.10.
# Order: $DROM_PYTHON, a working `python3.10` on PATH, then pyenv's installed 3.10 versions.
set -u

is_310() {
    [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

for candidate in "${DROM_PYTHON:-}" "$(command -v python3.10 2>/dev/null)"; do
    if is_310 "$candidate"; then echo "$candidate"; exit 0; fi
done

pyenv_root="${PYENV_ROOT:-}"
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then pyenv_root="$(pyenv root 2>/dev/null)"; fi
[ -n "$pyenv_root" ] || pyenv_root="$HOME/.pyenv"
for candidate in $(ls -d "$pyenv_root"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -r); do
    if is_310 "$candidate"; then echo "$candidate"; exit 0; fi
done

cat >&2 <<'MSG'
Drom needs Python 3.10 (Rasa 3.6 supports 3.8-3.10; python-telegram-bot 22 needs 3.10+), and none was found.
Install one, then run make again:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv   (or use the deadsnakes PPA)
  - pyenv:          pyenv install 3.10
  - any other:      set DROM_PYTHON=/path/to/python3.10
MSG
exit 1
