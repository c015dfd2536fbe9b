# Every library packhost uses, found here and nowhere else (each a Debian 12
# package that scripts/install-deps installs; debian-components.md has the
# target names). Targets elsewhere link what this file found.

# The host and the SDK.
find_package(Boost 1.74 REQUIRED)  # Boost.DLL, header-only on std::filesystem
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)  # TLS for the IRC adapter (Boost.Asio's ssl)
find_package(ICU REQUIRED COMPONENTS uc)
# Time zones for timers: Howard Hinnant's date library over the system's
# tzdata (libdate-tz reads /usr/share/zoneinfo).
find_package(date REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)  # metrics; its config also looks for civetweb, zlib, curl
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# Chat alias formats are Python regular expressions with look-around (StackStorm's
# parser writes look-behind itself), which RE2 cannot do: PCRE2 for those only.
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# The allocator of the programs (packhost, the benchmarks, the tests):
# jemalloc. A workflow's transition allocates and frees many small JSON
# values on one thread and frees records on another (the store's writer);
# glibc's malloc spends half of a transition there, jemalloc a fraction
# (make bench: the 1,000-task chain at about half the time). Not with the
# sanitizers, which bring their own.
add_library(packhost_allocator INTERFACE)
if(NOT PACKHOST_SANITIZE AND NOT PACKHOST_FUZZ)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(packhost_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

# The test suite.
if(PACKHOST_BUILD_TESTS)
  find_package(GTest REQUIRED)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # the fake HTTP servers
endif()

