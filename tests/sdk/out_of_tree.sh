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

# The ABI version is written once, in abi.h: the manifest, the package
# version and `packhost --version` follow it.
header="$tmp/prefix/include/packhost/abi.h"
abi="$(sed -n 's/^#define PH_ABI_MAJOR_NUMBER \([0-9]*\)$/\1/p' "$header").$(sed -n 's/^#define PH_ABI_MINOR_NUMBER \([0-9]*\)$/\1/p' "$header")"
grep -q "\"abi\": \"$abi\"" "$tmp/hello-build/packs/hello/manifest.json" || { echo "manifest abi is not $abi"; exit 1; }
grep -q "set(PACKAGE_VERSION \"$abi.0\")" "$tmp/prefix/lib/cmake/PackhostSDK/PackhostSDKConfigVersion.cmake" \
  || { echo "package version is not $abi.0"; exit 1; }
"$tmp/prefix/bin/packhost" --version | grep -q "(pack ABI $abi)" || { echo "--version does not say ABI $abi"; exit 1; }

out=$("$tmp/prefix/bin/packhost" --packs-path "$tmp/hello-build/packs" run hello.greet name=world shout=true --json)
echo "$out" | grep -q '"greeting": "HELLO, WORLD!"' || { echo "unexpected result: $out"; exit 1; }

# The installed binary finds the installed bundled packs on its own.
env -u PACKHOST_PACKS_PATH "$tmp/prefix/bin/packhost" run core.echo message=installed | grep -q "message: installed"

# The README's layout: the build directory inside the pack's own folder.
# Builds stay still: no copy of a copy (build/packs/hello/build/...), and a
# second build does not run CMake again.
cp -r "$source_dir/sdk/examples/hello" "$tmp/inside"
(cd "$tmp/inside" && cmake -S . -B build -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null \
   && cmake --build build >/dev/null && cmake --build build > "$tmp/second-build.log")
test ! -e "$tmp/inside/build/packs/hello/build" || { echo "the pack's build copied itself"; exit 1; }
if grep -q "Re-running CMake" "$tmp/second-build.log"; then echo "a second build re-ran CMake"; exit 1; fi
"$tmp/prefix/bin/packhost" --packs-path "$tmp/inside/build/packs" run hello.greet name=again | grep -q "Hello, again!"

# STATIC_RUNTIME links libstdc++ into the pack (for a pack built with a
# newer GCC than the host machine's); it still exports only its entry point.
cp -r "$source_dir/sdk/examples/hello" "$tmp/static-src"
sed -i 's/packhost_add_pack(hello SOURCES hello.cpp)/packhost_add_pack(hello SOURCES hello.cpp STATIC_RUNTIME)/' \
  "$tmp/static-src/CMakeLists.txt"
cmake -S "$tmp/static-src" -B "$tmp/static-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/static-build" -j 2 >/dev/null
if readelf -d "$tmp/static-build/packs/hello/libhello.so" | grep -q 'libstdc++'; then
  echo "STATIC_RUNTIME: libhello.so still needs libstdc++"; exit 1
fi
test "$(nm -D --defined-only "$tmp/static-build/packs/hello/libhello.so" | awk '{print $3}')" = packhost_pack_entry_v1
"$tmp/prefix/bin/packhost" --packs-path "$tmp/static-build/packs" run hello.greet name=static | grep -q "Hello, static!"

# A pack asking for another ABI major is not found by find_package.
mkdir -p "$tmp/v2-src"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v2 LANGUAGES CXX)\nfind_package(PackhostSDK 2 REQUIRED)\n' \
  > "$tmp/v2-src/CMakeLists.txt"
if cmake -S "$tmp/v2-src" -B "$tmp/v2-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null 2>&1; then
  echo "find_package(PackhostSDK 2) should fail against SDK 1.x"; exit 1
fi
echo "out-of-tree pack: ok"
