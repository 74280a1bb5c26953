# Shared by scripts/start and scripts/test: a virtual environment with the
# locked dependencies, and the front-end assets built from npm packages.
# Usage: install_chorus base|dev

require_tools() {
  PYTHON="${PYTHON:-python3}"
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "Chorus needs Python 3.11 or newer: install it, or set PYTHON to its path." >&2; exit 1
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Chorus needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1). Set PYTHON to a newer one." >&2; exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "Chorus needs Node.js (with npm) to build its pages' styles: install Node.js 18 or newer." >&2; exit 1
  fi
}

install_chorus() {
  local kind="$1"
  require_tools
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  local stamp=".venv/.chorus-$kind-installed"
  local want
  want="$(cat "requirements/$kind.txt" pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing Python packages from requirements/$kind.txt ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "requirements/$kind.txt"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
  local npm_stamp="node_modules/.chorus-$kind-installed"
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing front-end packages from package-lock.json ..."
    if [ "$kind" = dev ]; then npm ci --no-audit --no-fund --loglevel=error; else npm ci --omit=dev --no-audit --no-fund --loglevel=error; fi
    echo "$want" > "$npm_stamp"
  fi
  npm run --silent build
}
