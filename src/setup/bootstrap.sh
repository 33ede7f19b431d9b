#!/bin/sh
# First-use set-up behind the README's two commands: installs only what is missing.
#   sh src/setup/bootstrap.sh          npm dependencies, the build, a browser for the PDF report
#   sh src/setup/bootstrap.sh --test   the same plus the independent verifiers and tools the tests use
# A system Chrome/Chromium is preferred; Debian's `chromium` is installed when none is found and we
# may use apt-get; otherwise Puppeteer's own browser download is used (where the internet allows it).
set -e
cd "$(dirname "$0")/../.."
say() { echo "netcustody setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

# package.json `engines`: vite 8 needs ^20.19 || >=22.12, vitest 4 ^20 || ^22 || >=24, commander 14 >=20.
node_ok=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 24 ? 1 : 0)' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  say "Node.js $(node --version 2>/dev/null || echo 'not found') is not supported: install Node 20.19+, 22.12+ or 24+ (package.json engines)"
  exit 1
fi

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2 || return 1; apt_updated=1; fi
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

find_browser() {
  for c in "$PUPPETEER_EXECUTABLE_PATH" "$NETCUSTODY_CHROME" /usr/bin/chromium-headless-shell /usr/bin/chromium /usr/bin/chromium-browser \
           /usr/bin/google-chrome /usr/bin/google-chrome-stable /snap/bin/chromium; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

if [ "$1" = "--test" ]; then
  missing=""
  command -v pdfsig >/dev/null 2>&1 || missing="$missing poppler-utils"
  command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
  command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
  command -v netstat >/dev/null 2>&1 || missing="$missing net-tools"
  command -v ss >/dev/null 2>&1 || missing="$missing iproute2"
  command -v lsof >/dev/null 2>&1 || missing="$missing lsof"
  command -v strace >/dev/null 2>&1 || missing="$missing strace"  # test/bundle/zip-durable: the order of fsync and custody writes
  command -v python3 >/dev/null 2>&1 || missing="$missing python3"
  command -v busybox >/dev/null 2>&1 || missing="$missing busybox"
  { [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1; } || missing="$missing openssh-server openssh-client"
  { command -v ansible-playbook >/dev/null 2>&1 && command -v dash >/dev/null 2>&1; } || missing="$missing ansible dash"
  command -v jq >/dev/null 2>&1 || missing="$missing jq"; command -v jc >/dev/null 2>&1 || missing="$missing jc"  # jq: JSON contract tests; jc: the bench's side-by-side (Debian's jc package; PyPI is not needed)
  if [ -n "$missing" ]; then
    # openssh-server is only the tests' namespace sshd: keep Debian's maintainer scripts from starting
    # it as a service on this machine (policy-rc.d 101 = "not allowed"), unless a policy already exists.
    guard=""
    if [ ! -e /usr/sbin/policy-rc.d ] && as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'; then guard=1; fi
    apt_install $missing || say "could not install:$missing (tests that need them will fail)"
    if [ -n "$guard" ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  fi
  # The browser the report prefers (see below): the tests print with the one users get. On its own,
  # so a distribution without the package still gets the tools above.
  [ -x /usr/bin/chromium-headless-shell ] || apt_install chromium-headless-shell || say "no chromium-headless-shell package: the tests print with the full browser"
fi

if ! find_browser >/dev/null; then
  # Debian's headless shell prints the same PDF as chromium and starts in about half the time.
  apt_install chromium-headless-shell || apt_install chromium || say "no Chrome/Chromium found and apt-get is not usable: Puppeteer will download its own browser"
fi

stamp=node_modules/.netcustody-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "installing npm dependencies"
  # The browser is handled below, so a failed download never blocks the install.
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
  if ! find_browser >/dev/null; then
    say "downloading Puppeteer's own browser"
    npx --no-install puppeteer browsers install chrome >&2 || say "browser download failed: install Chrome/Chromium and set PUPPETEER_EXECUTABLE_PATH (collect, analyze and verify work without it)"
  fi
  touch "$stamp"
fi

# Rebuild when any source or shipped template is newer than the build. The shipped templates are
# precompiled into dist (a template without its precompiled twin is compiled at run time instead).
if [ ! -f dist/cli/main.js ] || [ ! -f dist/report/templates.precompiled.cjs ] || [ -n "$(find src templates -newer dist/cli/main.js -type f 2>/dev/null | head -n 1)" ]; then
  say "building"
  npx --no-install tsc -p tsconfig.json >&2 || { say "TypeScript build failed"; exit 1; }
  node dist/report/precompile-templates.js >&2 || { say "precompiling the templates failed"; exit 1; }
  touch dist/cli/main.js
fi
