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
  # npm ci replaces node_modules whole: an install for running (base) removes the test tools
  # (axe-core) that an install for tests (dev) added, and dev's packages include base's. So a
  # dev install stands for both, and a base install clears the dev stamp.
  local dev_stamp="node_modules/.chorus-dev-installed" base_stamp="node_modules/.chorus-base-installed"
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$kind" = dev ]; then
    if [ "$(cat "$dev_stamp" 2>/dev/null)" != "$want" ]; then
      echo "Installing front-end packages from package-lock.json ..."
      npm ci --no-audit --no-fund --loglevel=error
      echo "$want" > "$dev_stamp"
      echo "$want" > "$base_stamp"
    fi
  elif [ "$(cat "$dev_stamp" 2>/dev/null)" != "$want" ] && [ "$(cat "$base_stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing front-end packages from package-lock.json ..."
    npm ci --omit=dev --no-audit --no-fund --loglevel=error
    rm -f "$dev_stamp"
    echo "$want" > "$base_stamp"
  fi
  npm run --silent build
}
