# Sourced by ./attention4j, scripts/test and .ci/run: selects a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, else the distribution's standard JVM folder. Exports JAVA_HOME.
attention4j_java_feature() {   # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  local release="$1/release"
  [ -x "$1/bin/java" ] && [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}
attention4j_select_jdk() {
  local v candidate
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(attention4j_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    v=$(attention4j_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "attention4j: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, none under /usr/lib/jvm); install one and set JAVA_HOME to it" >&2
  return 1
}
