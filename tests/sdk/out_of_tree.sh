#!/usr/bin/env bash
# Installs packhost to a temporary prefix, builds sdk/examples/hello outside
# the source tree against that prefix with find_package(PackhostSDK), and
# runs its action through the installed packhost.
# Usage: out_of_tree.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build_dir" --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/packhost/abi.h"
test -f "$tmp/prefix/lib/cmake/PackhostSDK/PackhostSDKConfig.cmake"
test -f "$tmp/prefix/lib/packhost/packs/core/libcore.so"

cp -r "$source_dir/sdk/examples/hello" "$tmp/hello-src"
cmake -S "$tmp/hello-src" -B "$tmp/hello-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/hello-build" -j 2 >/dev/null
test "$(nm -D --defined-only "$tmp/hello-build/packs/hello/libhello.so" | awk '{print $3}')" = packhost_pack_entry_v1

out=$("$tmp/prefix/bin/packhost" --packs-path "$tmp/hello-build/packs" run hello.greet name=world shout=true --json)
echo "$out" | grep -q '"greeting": "HELLO, WORLD!"' || { echo "unexpected result: $out"; exit 1; }

# The installed binary finds the installed bundled packs on its own.
env -u PACKHOST_PACKS_PATH "$tmp/prefix/bin/packhost" run core.echo message=installed | grep -q "message: installed"

# A pack asking for another ABI major is not found by find_package.
mkdir -p "$tmp/v2-src"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v2 LANGUAGES CXX)\nfind_package(PackhostSDK 2 REQUIRED)\n' \
  > "$tmp/v2-src/CMakeLists.txt"
if cmake -S "$tmp/v2-src" -B "$tmp/v2-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null 2>&1; then
  echo "find_package(PackhostSDK 2) should fail against SDK 1.x"; exit 1
fi
echo "out-of-tree pack: ok"
