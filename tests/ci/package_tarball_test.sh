#!/usr/bin/env bash
# The tarball ci/package makes: it holds the stripped binary with README.md, LICENSE,
# CHANGELOG.md and the notices of the libraries linked in; the binary needs no shared library
# but glibc's at start, and loads libpq when a command connects; it reports exactly what the
# built binary reports on every rule fixture; it lints in a root file system made only of libc6
# and what it depends on, where a command that connects says that libpq5 is missing; and with
# libpq5 added it loads libpq (no -dev package, no compiler).
# Usage: package_tarball_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$2
source "$source_dir/tests/ci/clean_root.sh"
tarball=$build_dir/package/pgshift-linux-x86_64.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.files"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

tar -xzf "$tarball" -C "$work"
for f in pgshift README.md LICENSE CHANGELOG.md THIRD-PARTY-NOTICES; do
  [ -f "$work/pgshift-linux-x86_64/$f" ] || fail "$f is not in the tarball"
done
binary=$work/pgshift-linux-x86_64/pgshift
readelf -S "$binary" | grep -q -e '\.symtab' -e '\.debug_' && fail "the binary is not stripped"

# Shared libraries the binary needs at start (NEEDED): glibc's only; libpq is loaded on first use.
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[ "$needed" = "ld-linux-x86-64.so.2 libc.so.6 libm.so.6 " ] ||
  fail "the binary needs $needed at start; allowed: glibc (libc, libm, the loader)"
ldd "$binary" | grep -q "not found" && fail "a library is missing: $(ldd "$binary")"
for lib in pg_query protobuf-c pqxx pq sqlite3 SQLiteCpp tomlplusplus stdc++; do
  ldd "$binary" | grep -q "lib$lib" && fail "lib$lib is linked dynamically"
done

# The newest glibc symbol: the requirement README.md states (glibc 2.36, Debian 12).
newest=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
[ "$newest" = GLIBC_2.36 ] || fail "the binary needs $newest; README.md says glibc 2.36"
"$binary" --version | grep -Eq '^pgshift [0-9]+\.[0-9]+\.[0-9]+ \((commit [0-9a-f]{12}|unknown commit)' ||
  fail "--version says: $("$binary" --version)"
# The packaged binary judges every rule fixture as the built one does.
fixtures=$source_dir/tests/fixtures/rules
diff <("$build_dir/pgshift" lint "$fixtures" --format json --fail-on never --no-history) \
     <("$binary" lint "$fixtures" --format json --fail-on never --no-history) >"$work/diff" ||
  { head -20 "$work/diff"; fail "the packaged binary reports differently from the built one"; }

if [ "$(id -u)" -ne 0 ]; then echo "PASS (the clean root file system needs root for chroot: not run)"; exit 0; fi
# A command that connects, to a server that is not there (no socket in /nonexistent).
connect() { chroot "$1" /usr/bin/pgshift snapshot --db 'postgresql://app@/app?host=/nonexistent' >"$work/out" 2>&1; }
printf 'CREATE INDEX users_name_idx ON users (name);\n' >"$work/unsafe.sql"
for packages in "libc6" "libc6 libpq5"; do
  # shellcheck disable=SC2086 # one package name per word
  make_clean_root "$work/root" $packages
  cp "$binary" "$work/root/usr/bin/pgshift"
  cp "$work/unsafe.sql" "$work/root/tmp/unsafe.sql"
  status=0
  chroot "$work/root" /usr/bin/pgshift lint /tmp/unsafe.sql >"$work/out" 2>&1 || status=$?
  [ $status -eq 1 ] && grep -q non-concurrent-index-creation "$work/out" ||
    { cat "$work/out"; fail "lint in a root of only $CLEAN_ROOT_PACKAGES: exit $status"; }
  status=0
  connect "$work/root" || status=$?
  [ $status -eq 3 ] || { cat "$work/out"; fail "snapshot in a root of $packages: exit $status, not 3"; }
  if [ "$packages" = libc6 ]; then
    grep -q "libpq.so.5: cannot open shared object file.*apt-get install libpq5" "$work/out" ||
      { cat "$work/out"; fail "without libpq5, snapshot does not say what is missing"; }
  else
    # libpq's own message: it was loaded and tried the socket.
    grep -q '/nonexistent/.s.PGSQL.5432' "$work/out" ||
      { cat "$work/out"; fail "with libpq5, snapshot did not reach libpq"; }
  fi
  echo "ran in a root of only: $CLEAN_ROOT_PACKAGES"
done
echo PASS
