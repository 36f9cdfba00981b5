#!/usr/bin/env bash
# Installs the Debian packages Sluice needs, only those that are missing (quiet when all are there).
set -euo pipefail
packages=(
  pkg-config libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  libshaderc-dev glslang-dev spirv-tools
  libprotobuf-c-dev protobuf-c-compiler
  libpng-dev zlib1g-dev libjpeg62-turbo-dev libturbojpeg0-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
