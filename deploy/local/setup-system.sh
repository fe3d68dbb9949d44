#!/usr/bin/env bash
# Installs the Debian packages the project builds and runs with, when missing:
# Redis for the feature store, FAISS and OpenBLAS for the ANN binding, a C++
# toolchain for native addons, a JRE for Kafka, and Chromium for the web page's
# browser test (driven by playwright-core, which downloads no browser of its own).
set -euo pipefail

packages=(redis-server redis-tools libfaiss-dev libopenblas-dev g++ make python3-venv chromium)
command -v java >/dev/null || packages+=(default-jre-headless)
command -v mvn >/dev/null || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
