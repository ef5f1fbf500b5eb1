#!/usr/bin/env bash
# System packages the local stack and its tests need that pip cannot bring:
#   mosquitto          — the local MQTT broker (mutual TLS) that plays AWS IoT Core's device gateway;
#   gcc, libc6-dev, mosquitto-dev, libmosquitto-dev, libssl-dev — to build the broker's gateway plugin
#                        (infra/local/mosquitto/cc_device_gateway.c: certificate status, client id,
#                        the device policy's topics), once, on the first start;
#   chromium           — the browser the front-end tests drive with Playwright (never a downloaded build);
#   fonts-wqy-microhei — a small CJK font, so Chinese renders (and screenshots read) on a bare machine.
# `make run` and `make test` call this first. It is a no-op when everything is there, and
# never prompts: CI runs it as root on a fresh Debian machine with no stdin.
set -euo pipefail

PACKAGES=(mosquitto gcc libc6-dev mosquitto-dev libmosquitto-dev libssl-dev chromium fonts-wqy-microhei)

have() {  # is what the package brings already here (from this package or another)?
  case "$1" in
    mosquitto) command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] ;;  # /usr/sbin: not on every PATH
    chromium) [ -x /usr/bin/chromium ] ;;
    gcc) command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 ;;
    libc6-dev) [ -f /usr/include/stdio.h ] ;;
    mosquitto-dev) [ -f /usr/include/mosquitto_broker.h ] && [ -f /usr/include/mosquitto_plugin.h ] ;;
    libmosquitto-dev) [ -f /usr/include/mosquitto.h ] ;;  # the plugin API's types (mosquitto_broker.h includes it)
    libssl-dev) [ -f /usr/include/openssl/x509.h ] ;;
    fonts-wqy-microhei)  # the package itself, or any Chinese font fontconfig knows
      dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q "ok installed" ||
        { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]; } ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  have "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${missing[*]}; this script knows apt-get (Debian/Ubuntu) only." >&2
  echo "Install them with your package manager, then re-run." >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-system-deps: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-system-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive

# The package's own service would start a second broker on port 1883; the stack runs its own
# on a port of its choosing, so keep the service from starting while we install (policy-rc.d
# exit 101 = "action not allowed"), unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  "${SUDO[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap '"${SUDO[@]}" rm -f "$policy"' EXIT
fi

apt_get() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" </dev/null
}

# A fresh machine may have no package lists at all: no candidate means `apt-get update` first.
if ! apt-cache policy "${missing[@]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt_get update
fi
if ! apt_get install --no-install-recommends "${missing[@]}"; then
  apt_get update  # stale lists point at files the mirror no longer has
  apt_get install --no-install-recommends "${missing[@]}"
fi

for pkg in "${missing[@]}"; do
  have "$pkg" || { echo "install-system-deps: $pkg is still missing after apt-get" >&2; exit 1; }
done
