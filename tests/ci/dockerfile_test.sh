#!/usr/bin/env bash
# The Dockerfile, without a container engine: every COPY source is in ci/package's output, and
# its RUN steps, run in order with /bin/sh in a root file system made of the Debian 12 packages
# debian:12-slim starts from plus libpq5, leave a pgshift that lints. The one step not run is
# apt-get's, which must install nothing but libpq5 (the root already has it). Then the job of the
# .gitlab-ci.yml example in docs/ci-integration.md runs its script in that image.
# Usage: dockerfile_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$(cd "$2" && pwd)
dockerfile=$source_dir/Dockerfile
context=$build_dir/package
source "$source_dir/tests/ci/clean_root.sh"
fail() { echo "FAIL: $*"; exit 1; }
# What a failed step had to work with: the root's packages and libpq's files in it and on the host.
root_report() {
  echo "root of: $CLEAN_ROOT_PACKAGES"
  ls -la "$root"/usr/lib/x86_64-linux-gnu/libpq* /usr/lib/x86_64-linux-gnu/libpq.so* 2>&1 || true
  dpkg-query -W -f='libpq5: ${db:Status-Abbrev}${Version}\n' libpq5 2>&1 || true
}
grep -qx 'FROM debian:12-slim' "$dockerfile" || fail "the image is not built FROM debian:12-slim"
grep -Ev '^(#|$|FROM |RUN |COPY |WORKDIR |ENTRYPOINT |CMD )' "$dockerfile" &&
  fail "the Dockerfile has an instruction this test does not check"
while read -r _ src _; do
  [ -f "$context/$src" ] || fail "COPY $src: not in $context (ci/package output)"
done < <(grep '^COPY ' "$dockerfile")
if [ "$(id -u)" -ne 0 ]; then echo "PASS (RUN steps need root for chroot: not run)"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work" "$work.files"' EXIT
root=$work/root
make_clean_root "$root" base-files dash bash coreutils tar gzip findutils grep sed libpq5
mkdir -p "$root/usr/local/bin" "$root/opt"
while IFS= read -r line; do
  case $line in
    COPY\ *) read -r _ src dest <<<"$line"; mkdir -p "$root$dest"; cp "$context/$src" "$root$dest" ;;
    RUN\ apt-get\ *)
      [ "$(grep -o 'install -y --no-install-recommends [a-z0-9 ]*' <<<"$line")" = \
        "install -y --no-install-recommends libpq5 " ] || fail "apt-get installs more than libpq5: $line" ;;
    RUN\ *) chroot "$root" /bin/sh -ec "${line#RUN }" >"$work/run.log" 2>&1 ||
              { cat "$work/run.log"; root_report; fail "$line"; } ;;
  esac
done < <(grep -E '^(COPY|RUN) ' "$dockerfile")
printf 'CREATE INDEX users_name_idx ON users (name);\n' >"$root/tmp/unsafe.sql"
status=0
chroot "$root" /bin/sh -c 'cd /tmp && pgshift lint unsafe.sql' >"$work/lint.log" 2>&1 || status=$?
[ $status -eq 1 ] && grep -q non-concurrent-index-creation "$work/lint.log" ||
  { cat "$work/lint.log"; fail "pgshift in the image: exit $status"; }

# The GitLab CI example: its job's script, line by line, in the image, on a project's migrations.
gitlab=$(sed -n '/^# \.gitlab-ci\.yml$/,/^```$/p' "$source_dir/docs/ci-integration.md" | sed '$d')
[ -n "$gitlab" ] || fail "docs/ci-integration.md has no .gitlab-ci.yml example"
/usr/bin/python3 -c '
import sys, yaml
job = yaml.safe_load(sys.stdin)["pgshift"]
assert job["image"]["entrypoint"] == [""], "the job must clear the image entrypoint"
assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
print("\n".join(job["script"]))' <<<"$gitlab" >"$work/script" || fail "the .gitlab-ci.yml example: $(cat "$work/script")"
mkdir -p "$root/src/db/migrations"
echo "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);" >"$root/src/db/migrations/V1__safe.sql"
while IFS= read -r line; do
  chroot "$root" /bin/sh -ec "cd /src && $line" >"$work/job.log" 2>&1 || { cat "$work/job.log"; fail "GitLab job: $line"; }
done <"$work/script"
grep -q '^\[' "$root/src/gl-code-quality-report.json" || fail "the GitLab job wrote no code quality report"
echo "PASS"
