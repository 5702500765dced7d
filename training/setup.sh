#!/usr/bin/env bash
# Creates training/.venv (gitignored) and installs the pinned training requirements.
# Usage: bash training/setup.sh            (top-level pins, lets pip resolve)
#        LOCK=1 bash training/setup.sh     (exact versions from requirements.lock.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "warning: tested with Python 3.11, found $("$python" --version)" >&2
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --upgrade pip >/dev/null
if [ "${LOCK:-0}" = "1" ] && [ -f "$here/requirements.lock.txt" ]; then
  "$here/.venv/bin/python" -m pip install -r "$here/requirements.lock.txt"
else
  "$here/.venv/bin/python" -m pip install -r "$here/requirements.txt"
fi
"$here/.venv/bin/python" -c 'import tensorflow as tf, numpy as np; print("tensorflow", tf.__version__, "numpy", np.__version__)'
