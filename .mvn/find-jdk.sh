# Finds a JDK (or, for the launcher, a runtime) of at least version 21 and exports JAVA_HOME.
# POSIX sh, meant to be sourced. Order: $JAVA_HOME, the `java` on PATH, then the usual install
# locations (the newest version found there wins). Set SA_NEED_JAVAC=1 to require a compiler.
sa_java_version() {
  # prints the major version of the Java home in $1, or nothing; the release file is read by the
  # shell itself, so that finding the version starts no program
  if [ -f "$1/release" ]; then
    while IFS= read -r sa_line || [ -n "$sa_line" ]; do
      case $sa_line in
        JAVA_VERSION=\"[0-9]*)
          sa_line=${sa_line#JAVA_VERSION=\"}
          echo "${sa_line%%[!0-9]*}"
          return 0 ;;
      esac
    done < "$1/release"
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
  fi
}
sa_java_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] || return 1
  if [ "${SA_NEED_JAVAC:-0}" = 1 ] && [ ! -x "$1/bin/javac" ]; then return 1; fi
  sa_v=$(sa_java_version "$1")
  [ -n "$sa_v" ] && [ "$sa_v" -ge 21 ]
}
sa_find_java() {
  if sa_java_ok "${JAVA_HOME:-}"; then return 0; fi
  sa_path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$sa_path_java" ]; then
    sa_home=$(dirname "$(dirname "$(readlink -f "$sa_path_java" 2>/dev/null || echo "$sa_path_java")")")
    if sa_java_ok "$sa_home"; then JAVA_HOME=$sa_home; export JAVA_HOME; return 0; fi
  fi
  sa_best=""; sa_best_v=0
  sa_noglob=0; case $- in *f*) sa_noglob=1; set +f ;; esac
  for sa_home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
                 "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$sa_home" ] || continue
    if sa_java_ok "$sa_home"; then
      sa_v=$(sa_java_version "$sa_home")
      if [ "$sa_v" -gt "$sa_best_v" ]; then sa_best=$sa_home; sa_best_v=$sa_v; fi
    fi
  done
  [ "$sa_noglob" = 0 ] || set -f
  if [ -n "$sa_best" ]; then JAVA_HOME=$sa_best; export JAVA_HOME; return 0; fi
  echo "sandbox-agent needs a JDK 21 or newer (JDK 25 recommended) and found none." >&2
  echo "Install one (for example Temurin 25 or your distribution's openjdk-25-jdk) and set JAVA_HOME to it." >&2
  return 1
}
sa_find_java || exit 1
