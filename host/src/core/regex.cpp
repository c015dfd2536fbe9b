#include "core/regex.hpp"

#include <re2/re2.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace packhost::core {

Regex Regex::compile(const std::string& pattern, bool ignorecase) {
    // Python spells "end of text" \Z, RE2 \z.
    std::string p;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '\\' && i + 1 < pattern.size()) {
            p += pattern[i];
            p += pattern[i + 1] == 'Z' ? 'z' : pattern[i + 1];
            ++i;
        } else {
            p += pattern[i];
        }
    }
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_case_sensitive(!ignorecase);
    auto re = std::make_shared<RE2>(p, opts);
    if (!re->ok()) throw std::invalid_argument("invalid regular expression '" + pattern + "': " + re->error());
    Regex r;
    r.re_ = std::move(re);
    return r;
}

bool Regex::match_start(std::string_view text) const {
    return re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::ANCHOR_START, nullptr, 0);
}

bool Regex::search(std::string_view text) const {
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

int Regex::group_count() const { return re_->NumberOfCapturingGroups(); }

std::string Regex::replace_all(std::string_view text, const std::string& replacement, size_t max_bytes) const {
    // Python's replacement syntax into RE2's rewrite string (\N, \\ for a backslash).
    std::string rewrite;
    const auto& names = re_->NamedCapturingGroups();
    for (size_t i = 0; i < replacement.size(); ++i) {
        char c = replacement[i];
        if (c != '\\' || i + 1 >= replacement.size()) {
            rewrite += c;
            continue;
        }
        char n = replacement[++i];
        if (n >= '0' && n <= '9') {
            rewrite += '\\';
            rewrite += n;
        } else if (n == 'g' && i + 1 < replacement.size() && replacement[i + 1] == '<') {
            size_t close = replacement.find('>', i);
            if (close == std::string::npos) throw std::invalid_argument("missing '>' in group reference");
            std::string ref = replacement.substr(i + 2, close - i - 2);
            int index = -1;
            if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) {
                index = std::stoi(ref);
            } else if (auto it = names.find(ref); it != names.end()) {
                index = it->second;
            }
            if (index < 0 || index > group_count() || index > 9)
                throw std::invalid_argument("unknown group name '" + ref + "'");
            rewrite += '\\';
            rewrite += static_cast<char>('0' + index);
            i = close;
        } else if (n == 'n') {
            rewrite += '\n';
        } else if (n == 't') {
            rewrite += '\t';
        } else if (n == '\\') {
            rewrite += "\\\\";
        } else {
            rewrite += "\\\\";  // Python keeps unknown escapes as written
            rewrite += n;
        }
    }
    std::string error;
    if (!re_->CheckRewriteString(rewrite, &error)) throw std::invalid_argument("invalid replacement: " + error);
    // RE2::GlobalReplace's loop, with the output checked as it grows: a
    // short pattern and a long replacement can multiply the text.
    int groups = group_count();
    std::vector<re2::StringPiece> m(static_cast<size_t>(groups) + 1);
    re2::StringPiece input(text.data(), text.size());
    std::string out;
    size_t pos = 0, copied = 0;
    while (pos <= text.size()) {
        if (!re_->Match(input, pos, text.size(), RE2::UNANCHORED, m.data(), groups + 1)) break;
        size_t start = static_cast<size_t>(m[0].data() - text.data());
        out.append(text.substr(copied, start - copied));
        if (!re_->Rewrite(&out, rewrite, m.data(), groups + 1)) throw std::invalid_argument("invalid replacement");
        copied = start + m[0].size();
        if (m[0].empty()) {
            // An empty match: copy one character (a whole UTF-8 sequence) and go on.
            if (start >= text.size()) break;
            size_t step = 1;
            while (start + step < text.size() && (static_cast<unsigned char>(text[start + step]) & 0xC0) == 0x80)
                ++step;
            out.append(text.substr(start, step));
            copied = start + step;
            pos = copied;
        } else {
            pos = copied;
        }
        if (out.size() > max_bytes) throw std::length_error("regular expression replacement result too large");
    }
    if (copied < text.size()) out.append(text.substr(copied));
    if (out.size() > max_bytes) throw std::length_error("regular expression replacement result too large");
    return out;
}

std::vector<std::vector<std::string>> Regex::find_all(std::string_view text, size_t max_matches) const {
    std::vector<std::vector<std::string>> out;
    int groups = group_count();
    std::vector<re2::StringPiece> m(static_cast<size_t>(groups) + 1);
    size_t pos = 0;
    re2::StringPiece input(text.data(), text.size());
    while (pos <= text.size()) {
        if (!re_->Match(input, pos, text.size(), RE2::UNANCHORED, m.data(), groups + 1)) break;
        std::vector<std::string> found;
        if (groups == 0) {
            found.emplace_back(m[0].data(), m[0].size());
        } else {
            for (int g = 1; g <= groups; ++g)
                found.emplace_back(m[g].data() ? std::string(m[g].data(), m[g].size()) : "");
        }
        if (out.size() >= max_matches) throw std::length_error("more than " + std::to_string(max_matches) + " matches");
        out.push_back(std::move(found));
        size_t end = static_cast<size_t>(m[0].data() - text.data()) + m[0].size();
        pos = m[0].empty() ? end + 1 : end;
    }
    return out;
}

}  // namespace packhost::core
