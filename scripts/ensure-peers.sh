#!/usr/bin/env bash
# Installs the real peers the tests talk to, where missing: nats-server, prosody, sipp (Debian's sip-tester),
# slixmpp. Used by .ci/run and by the test suite's global setup. Needs root and apt-get to install; prints
# what is missing otherwise (the tests that need a missing peer then fail with a clear message).
set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v prosody >/dev/null 2>&1 || missing+=(prosody)
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import slixmpp' >/dev/null 2>&1 || missing+=(python3-slixmpp)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-peers: missing ${missing[*]} and cannot apt-get install them (need root on Debian)" >&2
  exit 1
fi
echo "ensure-peers: installing ${missing[*]}" >&2
# A lock, because CI and a test run may both get here.
exec 9>/tmp/stox-apt.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
