#!/usr/bin/env bash
# Installs the Debian packages aelab needs, only those missing (run as root on Debian 12).
set -euo pipefail
packages=(g++ cmake make pkg-config libarmadillo-dev libopenblas-dev libarpack2-dev liblbfgs-dev nlohmann-json3-dev
          doctest-dev libssl-dev libzip-dev gnuplot-nox libcli11-dev libboost-math-dev
          openmpi-bin libopenmpi-dev libscalapack-openmpi-dev libelpa-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
