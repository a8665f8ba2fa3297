#!/usr/bin/env bash
# System packages the tests need on Debian 12 "bookworm" without a GPU:
# - Mesa's lavapipe Vulkan driver from bookworm-backports (Mesa ≥ 25; the stock 22.3 build lacks
#   features Dawn requires) for the Node WebGPU tests;
# - Debian's chromium (its bundled SwiftShader renders WebGPU headless) for the browser end-to-end
#   tests, driven by playwright-core; no browser is ever downloaded.
# Idempotent; needs root (or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
need_lvp=1
need_chromium=1
if [ -f /usr/share/vulkan/icd.d/lvp_icd.json ] && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q bpo; then
  need_lvp=0
fi
if [ -x /usr/bin/chromium ]; then need_chromium=0; fi
if [ "$need_lvp" = 0 ] && [ "$need_chromium" = 0 ]; then
  echo "lavapipe (bookworm-backports) and chromium already installed"
  exit 0
fi
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$SUDO apt-get update -qq
if [ "$need_lvp" = 1 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1
fi
if [ "$need_chromium" = 1 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
