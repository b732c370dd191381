#!/usr/bin/env bash
# Installs a released pgshift without compiling: downloads the portable Linux x86-64 tarball of
# VERSION (the one ci/package makes), unpacks it under DIR and links DIR/bin/pgshift; installs
# libpq5 with apt when no libpq.so.5 is found. The GitHub Action (action.yml) runs it.
# Usage: install-release.sh VERSION DIR
# PGSHIFT_RELEASE_URL overrides where the tarball comes from (a mirror, or a file:// URL).
set -euo pipefail
version=$1 dir=$2
url=${PGSHIFT_RELEASE_URL:-https://github.com/pgshift/pgshift/releases/download/v$version/pgshift-linux-x86_64.tar.gz}
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "pgshift: prebuilt binaries are for Linux x86-64; this is $(uname -sm)" >&2; exit 1
fi
mkdir -p "$dir/bin"
curl -fsSL "$url" | tar -xz -C "$dir"
ln -sf "$dir/pgshift-linux-x86_64/pgshift" "$dir/bin/pgshift"
if ! ldconfig -p 2>/dev/null | grep -q 'libpq\.so\.5 '; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends libpq5 >/dev/null
fi
installed=$("$dir/bin/pgshift" --version)
case $installed in
  "pgshift $version "*) echo "Installed $installed in $dir/bin" ;;
  *) echo "pgshift: $url holds $installed, not $version" >&2; exit 1 ;;
esac
