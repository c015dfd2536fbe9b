#pragma once
// What the timing harnesses share: the median of measured times, and the
// harness's own path (the bundled packs are found beside it).
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

inline std::string self_path() {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    return self;
}
