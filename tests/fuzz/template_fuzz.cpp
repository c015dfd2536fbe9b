// libFuzzer target for the template parser and renderer (make fuzz).
// Any input must either render or fail with a TemplateError: no crash, no
// sanitizer report, no other exception. Inputs that ever broke that rule
// live in tests/fuzz/regressions/ and are replayed by the normal suite.
#include <cstddef>
#include <cstdint>
#include <string>

#include "expr/template.hpp"

namespace {

const packhost::Json& vars() {
    static const auto v = packhost::Json::parse(R"({
        "trigger": {"body": {"project": "demo", "tags": ["a", "B"], "n": 3}},
        "items": [3, 1, 2], "d": {"b": 2, "a": 1}, "s": "Hello World", "f": 2.5, "none": null
    })");
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string source(reinterpret_cast<const char*>(data), size);
    try {
        auto t = packhost::expr::Template::compile(source);
        packhost::expr::Context ctx(vars());
        packhost::expr::add_global_functions(ctx);
        (void)t->render(ctx);
        (void)t->render_value(ctx);
    } catch (const packhost::expr::TemplateError&) {
    }
    return 0;
}
