#include "core/python_regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace packhost::core {
namespace {

// Steps one search may take: far more than any chat message against any
// sane format needs (a few thousand), far less than a stuck thread.
constexpr uint32_t kMatchLimit = 5'000'000;

std::string pcre2_message(int code) {
    PCRE2_UCHAR buffer[256];
    int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    return n < 0 ? "error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buffer));
}

// Python's \Z is PCRE2's \z (PCRE2's \Z also matches before a final newline).
std::string to_pcre2_syntax(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size());
    bool in_class = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            char n = pattern[++i];
            out += '\\';
            out += (n == 'Z' && !in_class) ? 'z' : n;
            continue;
        }
        if (c == '[' && !in_class) {
            in_class = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
            continue;
        }
        if (c == ']' && in_class) in_class = false;
        out += c;
    }
    return out;
}

struct CodeFree {
    void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct MatchContextFree {
    void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
};
struct MatchDataFree {
    void operator()(pcre2_match_data* d) const { pcre2_match_data_free(d); }
};

}  // namespace

struct PythonRegex::Compiled {
    std::unique_ptr<pcre2_code, CodeFree> code;
    std::unique_ptr<pcre2_match_context, MatchContextFree> context;
    std::vector<std::string> names;
    bool jit = false;
};

std::string_view PythonRegex::Match::group(std::string_view text, size_t g) const {
    if (!has(g)) return {};
    return text.substr(spans[g].first, spans[g].second - spans[g].first);
}

PythonRegex PythonRegex::compile(std::string_view pattern, Options options) {
    std::string translated = to_pcre2_syntax(pattern);
    uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_BSUX;
    if (options.dotall) flags |= PCRE2_DOTALL;
    if (options.ignorecase) flags |= PCRE2_CASELESS;
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(), flags, &error,
                                     &offset, nullptr);
    if (code == nullptr) {
        throw std::invalid_argument("invalid regular expression '" + std::string(pattern) +
                                    "': " + pcre2_message(error) + " at offset " + std::to_string(offset));
    }
    auto compiled = std::make_shared<Compiled>();
    compiled->code.reset(code);
    compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    compiled->context.reset(pcre2_match_context_create(nullptr));
    pcre2_set_match_limit(compiled->context.get(), kMatchLimit);

    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    compiled->names.assign(groups + 1, std::string());
    uint32_t name_count = 0;
    uint32_t entry_size = 0;
    PCRE2_SPTR table = nullptr;
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &name_count);
    pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < name_count; ++i) {
        PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
        size_t index = (static_cast<size_t>(entry[0]) << 8) | entry[1];
        if (index < compiled->names.size()) compiled->names[index] = reinterpret_cast<const char*>(entry + 2);
    }
    PythonRegex out;
    out.re_ = std::move(compiled);
    return out;
}

int PythonRegex::group_count() const { return static_cast<int>(re_->names.size()) - 1; }

const std::vector<std::string>& PythonRegex::group_names() const { return re_->names; }

std::optional<PythonRegex::Match> PythonRegex::search(std::string_view text, size_t start, bool anchored) const {
    return run(text, start, anchored ? PCRE2_ANCHORED : 0);
}

std::optional<PythonRegex::Match> PythonRegex::run(std::string_view text, size_t start, uint32_t options) const {
    std::unique_ptr<pcre2_match_data, MatchDataFree> data(
        pcre2_match_data_create_from_pattern(re_->code.get(), nullptr));
    // The JIT does not take PCRE2_ANCHORED at match time; the interpreter does.
    int rc = (re_->jit && options == 0) ? pcre2_jit_match(re_->code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()),
                                                          text.size(), start, options, data.get(), re_->context.get())
                                        : pcre2_match(re_->code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()),
                                                      text.size(), start, options, data.get(), re_->context.get());
    if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
        rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        throw TooCostly("the text is too costly to match against this regular expression (" + pcre2_message(rc) + ")");
    }
    if (rc < 0) throw std::invalid_argument("cannot match the text: " + pcre2_message(rc));
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    Match m;
    m.spans.resize(re_->names.size(), {Match::kUnset, Match::kUnset});
    for (size_t g = 0; g < m.spans.size() && g < static_cast<size_t>(rc); ++g) {
        if (ovector[2 * g] == PCRE2_UNSET) continue;
        m.spans[g] = {ovector[2 * g], ovector[2 * g + 1]};
    }
    return m;
}

std::vector<PythonRegex::Match> PythonRegex::find_all(std::string_view text) const {
    std::vector<Match> out;
    size_t at = 0;
    while (at <= text.size()) {
        auto m = search(text, at);
        if (!m) break;
        size_t begin = m->begin();
        size_t end = m->end();
        out.push_back(std::move(*m));
        if (end > begin) {
            at = end;
            continue;
        }
        // An empty match: the next one may start at the same place, but not empty.
        if (auto again = run(text, end, PCRE2_ANCHORED | PCRE2_NOTEMPTY_ATSTART)) {
            at = again->end();
            out.push_back(std::move(*again));
            continue;
        }
        at = end + 1;
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
    }
    return out;
}

}  // namespace packhost::core
