#!/usr/bin/env bash
# Set up a fresh machine for the app (default) or for the test suite (--test).
# Idempotent: a second run only checks. Needs python3 (3.11+) and Debian's Chromium (the PDF
# exports print with it); --test also needs poppler-utils and PostgreSQL. The Debian packages are
# installed here with apt-get when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-app}
venv=.venv
python=${PYTHON:-python3}

if [[ ! -x $venv/bin/python ]]; then
  echo "setup: creating the virtual environment in $venv"
  "$python" -m venv "$venv"
fi

requirements=requirements.txt
[[ $mode == --test ]] && requirements=requirements-dev.txt
stamp="$venv/.installed-$(cat "$requirements" requirements.txt constraints.txt pyproject.toml | sha1sum | cut -c1-12)-${requirements%.txt}"
if [[ ! -f $stamp ]]; then
  echo "setup: installing Python packages from $requirements"
  constraint_args=()
  [[ -f constraints.txt ]] && constraint_args=(-c constraints.txt)
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" "${constraint_args[@]}"
  # The app itself, editable: `import canvas` works from anywhere (tests, bench, tools) and the
  # `canvas` command exists; its dependencies came with the requirements above.
  echo "setup: installing the canvas package (editable)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi

# Debian packages: Chromium prints the PDF exports (the app's own need, so every mode installs it;
# its fonts-noto-color-emoji draws emoji in notes); with --test, poppler-utils (pdftoppm, pdftotext)
# reads those PDFs back and PostgreSQL's server runs the storage tests. Chromium also drives the
# browser tests.
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium fonts-noto-color-emoji)
if [[ $mode == --test ]]; then
  command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || packages+=(postgresql)
fi
if ((${#packages[@]})); then
  echo "setup: installing ${packages[*]} (Debian packages)"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
fi
# With --test, nginx runs deploy/nginx.conf in front of two app servers (tests/deploy); that test
# skips without it, so a failed install (e.g. its service cannot take port 80) only says so.
if [[ $mode == --test ]] && ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  echo "setup: installing nginx-light (Debian package, for the deployment test)"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  { "${sudo_cmd[@]}" apt-get update -qq \
    && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } \
    || echo "setup: nginx-light did not install; tests/deploy/test_proxy_browser.py will be skipped"
fi
