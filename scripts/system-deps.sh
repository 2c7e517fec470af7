#!/usr/bin/env bash
# System packages the test suite needs: a CJK font, HarfBuzz's subset library (fast
# WeasyPrint), poppler-utils (pdftoppm/pdftotext/pdffonts), Debian's chromium for browser
# tests, gettext (compilemessages), the MariaDB client headers (mysqlclient), Varnish and
# nginx with openssl (the front-cache tests start their own varnishd, and nginx with a
# certificate made for the run, on loopback ports) and, beside a local
# PostgreSQL server, its RUM extension (fast ranked search).
# Installs them with apt-get when run as root; otherwise says what is missing.
set -euo pipefail

missing=()
optional=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in chromium fonts-wqy-microhei poppler-utils libharfbuzz-subset0 libpango-1.0-0 \
           libpangoft2-1.0-0 gettext libmariadb-dev pkg-config varnish nginx openssl; do
  have_pkg "$pkg" || missing+=("$pkg")
done
# A local PostgreSQL server gets the RUM extension: the public search reads its best matches
# straight from a RUM index (docs/search.md); without it the search falls back to GIN.
for dir in /usr/lib/postgresql/*/bin; do
  [ -d "$dir" ] || continue
  major=$(basename "$(dirname "$dir")")
  have_pkg "postgresql-$major-rum" || optional+=("postgresql-$major-rum")
done
if [ ${#optional[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing optional system packages: ${optional[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${optional[@]}" \
        >/dev/null; } || echo "Could not install ${optional[*]}: search falls back to GIN" >&2
  else
    echo "Optional: sudo apt-get install ${optional[*]} (faster ranked search)" >&2
  fi
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
