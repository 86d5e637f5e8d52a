#!/bin/sh
# Puts promtool (from Debian's prometheus package) into the deploy tools folder given as $1, for
# the alert-rule checks. Uses a promtool on PATH if there is one; otherwise unpacks the package
# with apt-get download (no daemon is installed or started). Without either the checks skip,
# except in CI, where they fail.
set -eu
bin="$1"
mkdir -p "$bin"
if command -v promtool >/dev/null 2>&1; then
  ln -sf "$(command -v promtool)" "$bin/promtool"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "promtool not found and no apt-get here: the alert-rule checks will skip" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if (cd "$work" && apt-get download -qq prometheus >/dev/null 2>&1); then
  dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
  cp "$work/x/usr/bin/promtool" "$bin/promtool"
else
  echo "could not download Debian's prometheus package: the alert-rule checks will skip" >&2
fi
