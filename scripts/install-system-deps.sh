#!/usr/bin/env bash
# System packages for running the WebGPU shaders without a GPU (Debian 12 "bookworm"):
# Mesa's lavapipe Vulkan driver from bookworm-backports (Mesa ≥ 25; the stock 22.3 build lacks
# features Dawn requires). Idempotent; needs root (or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ -f /usr/share/vulkan/icd.d/lvp_icd.json ] && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q bpo; then
  echo "lavapipe from bookworm-backports already installed"
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
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1
