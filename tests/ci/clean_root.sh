# Sourced by the package tests. make_clean_root DIR PACKAGE...: a root file system in DIR made of
# the files of the installed Debian packages PACKAGE... and everything they depend on, and
# nothing else: no compiler, no -dev package, no library pgshift was linked against statically.
# Built from dpkg's own lists, so it needs no network; `chroot DIR` runs programs in it (root only).
# A root missing a file of a PACKAGE named is built again (CI once ran a root without libpq5's
# library right after PackageDeb's apt run); after three tries the function fails and says which
# package and file, with dpkg's status of it.
make_clean_root() {
  local root=$1 attempt missing
  shift
  for attempt in 1 2 3; do
    rm -rf "$root"
    copy_package_closure "$root" "$@"
    missing=$(missing_package_files "$root" "$@") && return 0
    echo "make_clean_root: try $attempt: $missing" >&2
    sleep 2
  done
  echo "make_clean_root: the root in $root lacks files of the packages named: $missing" >&2
  return 1
}

# The first file of PACKAGE... (each must be in the closure) that the root lacks, with dpkg's
# status of its package; prints nothing and succeeds when none is missing.
missing_package_files() {
  local root=$1 package f
  shift
  for package in "$@"; do
    if ! grep -qw -- "$package" <<<"$CLEAN_ROOT_PACKAGES"; then
      echo "$package is not in the closure (dpkg: $(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$package" 2>&1))"
      return 1
    fi
    while read -r f; do
      if { [ -L "$f" ] || [ -f "$f" ]; } && ! { [ -L "$root$f" ] || [ -e "$root$f" ]; }; then
        echo "$root$f of $package is missing (dpkg: $(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$package" 2>&1))"
        return 1
      fi
    done < <(dpkg-query -L "$package" 2>/dev/null | grep -v -e '^/usr/share/doc' -e '^/usr/share/man' -e '^/usr/share/locale')
  done
}

copy_package_closure() {
  local root=$1; shift
  # One read of dpkg's database, and the closure over Pre-Depends and Depends in awk
  # ("libc6 (>= 2.34), libssl3 | libssl1" -> libc6 libssl3: the first of alternatives).
  local packages
  packages=$(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Pre-Depends}, ${Depends}\n' |
    awk -F'\t' -v wanted="$*" '
      $1 ~ /^ii/ { installed[$2] = 1; deps[$2] = $3 }
      END {
        n = split(wanted, queue, " ")
        for (i = 1; i <= n; i++) {
          p = queue[i]
          if (p in seen || !(p in installed)) continue
          seen[p] = 1; print p
          m = split(deps[p], list, ",")
          for (j = 1; j <= m; j++) {
            d = list[j]; sub(/\|.*/, "", d); sub(/\(.*/, "", d); sub(/:any/, "", d); gsub(/ /, "", d)
            if (d != "") queue[++n] = d
          }
        }
      }' | sort)
  # Merged /usr, as on Debian 12: /lib, /bin... are links into /usr.
  mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64" "$root/etc" "$root/tmp"
  local link
  for link in bin sbin lib lib64; do ln -sfn "usr/$link" "$root/$link"; done
  chmod 1777 "$root/tmp"
  dpkg-query -L $packages 2>/dev/null |
    grep -v -e '^/usr/share/doc' -e '^/usr/share/man' -e '^/usr/share/locale' | sort -u |
    while read -r f; do
      if [ -L "$f" ] || [ -f "$f" ]; then echo "${f#/}"; fi
    done >"$root.files"
  tar -C / -cf - --no-recursion -T "$root.files" | tar -C "$root" -xf - --keep-directory-symlink
  rm -f "$root.files"
  CLEAN_ROOT_PACKAGES=$(echo $packages)
}
