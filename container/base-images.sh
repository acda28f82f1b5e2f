#!/usr/bin/env bash
# Assembles, without any container registry, the two base images the Dockerfile names, so that
# `buildah bud --pull=never` can build it on a machine that reaches only Debian's and npm's mirrors:
#   debian:bookworm-slim   a minimal Debian 12 root file system (debootstrap --variant=minbase)
#   node:20-bookworm-slim  the same plus this machine's Node 20 and npm, trusting the machine's CA
#                          bundle (where egress goes through a TLS proxy, npm needs its CA)
# Images that already exist are kept. Usage: container/base-images.sh (as root, with buildah and
# debootstrap installed: apt-get install -y buildah debootstrap).
set -euo pipefail

buildah=(buildah --storage-driver vfs)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d /var/tmp/honeyframe-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

has_image() { "${buildah[@]}" inspect --type image "$1" >/dev/null 2>&1; }

if ! has_image docker.io/library/debian:bookworm-slim; then
  echo "assembling debian:bookworm-slim with debootstrap from $mirror"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { cat "$work/debootstrap.log"; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  container=$("${buildah[@]}" from scratch)
  "${buildah[@]}" add "$container" "$work/rootfs.tar" / >/dev/null
  "${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash "$container"
  "${buildah[@]}" commit --quiet --rm "$container" docker.io/library/debian:bookworm-slim >/dev/null
fi

if ! has_image docker.io/library/node:20-bookworm-slim; then
  echo "assembling node:20-bookworm-slim from debian:bookworm-slim and $(node --version)"
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  container=$("${buildah[@]}" from --pull=never docker.io/library/debian:bookworm-slim)
  "${buildah[@]}" copy "$container" "$node_bin" /usr/local/bin/node >/dev/null
  "${buildah[@]}" copy "$container" "$npm_dir" /usr/local/lib/node_modules/npm >/dev/null
  "${buildah[@]}" run --isolation chroot "$container" -- sh -c \
    'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm &&
     ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version'
  ca_bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  if [ -f "$ca_bundle" ]; then
    "${buildah[@]}" copy "$container" "$ca_bundle" /etc/ssl/certs/ca-certificates.crt >/dev/null
    "${buildah[@]}" config --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$container"
  fi
  "${buildah[@]}" config --cmd node "$container"
  "${buildah[@]}" commit --quiet --rm "$container" docker.io/library/node:20-bookworm-slim >/dev/null
fi
"${buildah[@]}" images
