# Sourced by the package tests. make_clean_root DIR PACKAGE...: a root file system in DIR made of
# the files of the installed Debian packages PACKAGE... and everything they depend on, and
# nothing else: no compiler, no -dev package, no library pgshift was linked against statically.
# Built from dpkg's own lists, so it needs no network; `chroot DIR` runs programs in it (root only).
make_clean_root() {
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
