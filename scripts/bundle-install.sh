#!/bin/sh
# install.sh of a hed-lab-kit bundle (written by `npm run bundle`): installs the kit's CLIs
# onto the PATH and makes the lab's Python venv from the bundle's wheelhouse. It touches no
# network: npm is not asked for anything and pip runs with --no-index.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=${npm_config_prefix:-}
venv=${HED_LAB_VENV:-$HOME/hed-lab/.venv}
python=${PYTHON:-python3}
sdk=1.7.0
make_venv=yes

usage() {
  cat <<EOF
Usage: ./install.sh [options]

Installs hed-mock, hed-tester, hed-app and hed-connector into PREFIX/bin (the kit into
PREFIX/lib/node_modules/hed-lab-kit, as npm install -g would) and makes the lab's Python
venv with fivetran-connector-sdk, requests and a DuckDB CLI from the bundle's wheelhouse.
Nothing is downloaded. Needs Node 20.19+ (or 22.13+) and Python 3 with venv.

Options:
  --prefix <dir>    where the CLIs go (default: \$npm_config_prefix, else npm's global
                    prefix, else /usr/local when writable, else ~/.local)
  --venv <dir>      the lab's venv (default: \$HED_LAB_VENV, else ~/hed-lab/.venv)
  --python <path>   the Python that makes the venv (default: \$PYTHON, else python3)
  --sdk <version>   the SDK to install from the wheelhouse (default: 1.7.0, the lab's pin)
  --no-venv         install the CLIs only
  -h, --help        show this help
EOF
}

fail() {
  echo "install.sh: $1" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || fail "--prefix needs a folder."; prefix=$2; shift 2 ;;
    --venv) [ $# -ge 2 ] || fail "--venv needs a folder."; venv=$2; shift 2 ;;
    --python) [ $# -ge 2 ] || fail "--python needs a path."; python=$2; shift 2 ;;
    --sdk) [ $# -ge 2 ] || fail "--sdk needs a version, e.g. 1.7.0."; sdk=$2; shift 2 ;;
    --no-venv) make_venv=no; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option $1. Run ./install.sh --help for the options." ;;
  esac
done

command -v node >/dev/null 2>&1 || fail "node is not installed. Install Node 20.19+ (or 22.13+) and run ./install.sh again."
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 13) || major > 22;
  if (!ok) { console.error(`install.sh: Node ${process.versions.node} is too old: install Node 20.19+ (or 22.13+) and run ./install.sh again.`); process.exit(1); }
  const built = require(process.argv[1]).node.modules;
  if (built !== process.versions.modules) { console.error(`install.sh: this bundle was made with Node ABI ${built} and this Node ${process.versions.node} has ABI ${process.versions.modules}: its native modules would not load. Use the Node major the bundle was made with, or make the bundle with this Node.`); process.exit(1); }
' "$here/manifest.json"

if [ -z "$prefix" ]; then
  if command -v npm >/dev/null 2>&1; then prefix=$(npm prefix -g 2>/dev/null || true); fi
fi
if [ -z "$prefix" ]; then
  if [ -w /usr/local ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
fi

kit=$prefix/lib/node_modules/hed-lab-kit
echo "install.sh: installing the kit into $kit"
mkdir -p "$prefix/lib/node_modules" "$prefix/bin" || fail "cannot write to $prefix: pass --prefix with a folder you can write to (e.g. --prefix ~/.local)."
rm -rf "$kit"
cp -R "$here/kit" "$kit"
for cli in hed-mock hed-tester hed-app hed-connector; do
  ln -sf "../lib/node_modules/hed-lab-kit/bin/$cli.js" "$prefix/bin/$cli"
  chmod +x "$kit/bin/$cli.js"
done
"$prefix/bin/hed-mock" --help >/dev/null || fail "hed-mock does not start from $kit: see the error above."
echo "install.sh: hed-mock, hed-tester, hed-app and hed-connector are in $prefix/bin"

if [ "$make_venv" = yes ]; then
  command -v "$python" >/dev/null 2>&1 || fail "$python is not installed. Install Python 3.9+ with venv (apt-get install python3 python3-venv), or pass --python, or --no-venv."
  echo "install.sh: making the lab's venv in $venv (fivetran-connector-sdk==$sdk, requests, duckdb-cli)"
  "$python" -m venv "$venv" || fail "$python -m venv failed (apt-get install python3-venv?)."
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q --no-index --find-links "$here/wheelhouse" \
    "fivetran-connector-sdk==$sdk" requests duckdb-cli \
    || fail "pip could not install the lab's packages from $here/wheelhouse. Its wheels are for Python $(node -p 'require(process.argv[1]).python.versions.join(", ")' "$here/manifest.json"); pass --python with one of those, or make the bundle with --python-version for yours."
fi

echo
echo "Done. Next:"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "  export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
[ "$make_venv" = yes ] && echo "  . \"$venv/bin/activate\"        # the lab's Python, with duckdb on the PATH"
echo "  hed-mock serve                     # the API on http://127.0.0.1:8080"
echo "  hed-tester debug                   # in the folder with connector.py"
echo "  hed-app serve                      # http://127.0.0.1:8501"
