#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace openstack {
namespace {

using json = nlohmann::json;

// Characters, not bytes, so that a name in any script keeps the columns.
size_t width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string text(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// 1234567.5 -> "1,234,567.5"; whole numbers without decimals.
std::string number(double v, int decimals = 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf, out;
    size_t start = s[0] == '-' ? 1 : 0;
    size_t digits_end = std::min(s.find('.'), s.size());
    out.append(s, 0, start);
    for (size_t i = start; i < digits_end; ++i) {
        if (i > start && (digits_end - i) % 3 == 0) out += ',';
        out += s[i];
    }
    out.append(s, digits_end, std::string::npos);
    return out;
}

double value(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace

std::string usage_table(const json& usage, const json& project) {
    std::string id = text(usage, "project_id");
    std::string name = project.is_object() ? text(project, "name") : "";
    json period = usage.value("period", json::object());
    std::string out = "Project " + (name.empty() ? id : name + " (" + id + ")") + ", " +
                      number(value(period, "days"), std::fmod(value(period, "days"), 1) == 0 ? 0 : 2) + " days from " +
                      text(period, "start") + " to " + text(period, "end") + " UTC\n";
    out += "Now: " + number(value(usage, "instances")) + " instances, " + number(value(usage, "vcpus")) + " vCPUs, " +
           number(value(usage, "ram_mb")) + " MB RAM, " + number(value(usage, "disk_gb")) + " GB disk\n";
    out += "Used: " + number(value(usage, "hours"), 2) + " instance-hours, " + number(value(usage, "vcpu_hours"), 2) +
           " vCPU-hours, " + number(value(usage, "ram_mb_hours"), 2) + " MB-hours RAM, " +
           number(value(usage, "disk_gb_hours"), 2) + " GB-hours disk\n";

    std::vector<std::vector<std::string>> rows = {
        {"SERVER", "STATUS", "FLAVOR", "VCPUS", "RAM_MB", "DISK_GB", "HOURS"}};
    for (const auto& s : usage.value("servers", json::array())) {
        rows.push_back({text(s, "name"), text(s, "status"), text(s, "flavor"), number(value(s, "vcpus")),
                        number(value(s, "ram_mb")), number(value(s, "disk_gb")), number(value(s, "hours"), 2)});
    }
    if (rows.size() == 1) return out + "No servers in the period.";
    std::vector<size_t> widths(rows[0].size(), 0);
    for (const auto& r : rows)
        for (size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], width(r[c]));
    out += "\n";
    for (const auto& r : rows) {
        std::string line;
        for (size_t c = 0; c < r.size(); ++c) {
            std::string pad(widths[c] - width(r[c]), ' ');
            bool numeric = c >= 3;  // right-aligned
            line += (c ? "  " : "") + (numeric ? pad + r[c] : r[c] + (c + 1 < r.size() ? pad : ""));
        }
        out += line + "\n";
    }
    out.pop_back();
    return out;
}

}  // namespace openstack
