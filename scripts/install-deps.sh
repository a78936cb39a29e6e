#!/usr/bin/env bash
# Installs every system package ragd needs to build, test and benchmark, only when one is
# missing (so a warm machine pays nothing). Debian/Ubuntu; runs apt-get as root or via sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  libsqlite3-dev libutf8proc-dev libstemmer-dev libgumbo-dev libpoppler-cpp-dev libmd4c-dev
  nlohmann-json3-dev libsimdjson-dev libcli11-dev libfmt-dev zlib1g-dev libssl-dev
  libgtest-dev libfaiss-dev libopenblas-dev libboost-dev libboost-system-dev libomp-14-dev
  libtomlplusplus-dev libargon2-dev wrk prometheus
  python3 python3-venv python3-pip default-jdk-headless maven
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
