// Template costs (issue: templates and expressions):
//  - the same expressions in YAQL next to Jinja
//  - render of a compiled `{{ trigger.body.project | upper }}` against a 1 KB context (goal <= 1 us)
//  - render of a 20-line template with a loop and filters
//  - compile time of each
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "expr/template.hpp"
#include "expr/yaql/template.hpp"

#include "median_time.hpp"

namespace {

using namespace packhost::expr;
using packhost::Json;

// A webhook-like trigger of about 1 KB.
Json context_1kb() {
    Json body = Json::object();
    body["project"] = "demo-project";
    body["id"] = "6b072c8fb1b16e50fe70ccd3";
    body["owner"] = {{"name", "jtopjian"}, {"email", "jtopjian@example.com"}, {"team", "cloud"}};
    body["tags"] = Json::array();
    for (int i = 0; i < 14; ++i) body["tags"].push_back("tag-" + std::to_string(i));
    body["usage"] = Json::array();
    for (int i = 0; i < 12; ++i) {
        body["usage"].push_back({{"resource", "instance-" + std::to_string(i)}, {"hours", 10 + i}, {"cost", 1.5 * i}});
    }
    Json ctx{
        {"trigger", {{"body", body}, {"headers", {{"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}}}}}};
    return ctx;
}

const char* kReport = R"({# a usage report, 20 lines #}
Project: {{ trigger.body.project | upper }} ({{ trigger.body.id[:8] }})
Owner:   {{ trigger.body.owner.name | title }} <{{ trigger.body.owner.email }}>
Tags:    {{ trigger.body.tags | sort | join(', ') | truncate(60) }}
{% set total = trigger.body.usage | sum(attribute='cost') %}
{% for u in trigger.body.usage | sort(attribute='hours', reverse=true) %}
{{ loop.index }}. {{ u.resource | replace('-', ' ') | capitalize }}: {{ u.hours }}h, ${{ '%.2f' | format(u.cost) }}
{%- if u.cost > 5 %} (expensive){% endif %}
{% endfor %}
Total: ${{ '%.2f' | format(total) }}
{% if total > 20 -%}
Over budget by {{ (total - 20) | round(2) }}
{%- else -%}
Within budget
{%- endif %}
Busiest: {{ (trigger.body.usage | max(attribute='hours')).resource }}
Ids: {{ trigger.body.usage | map(attribute='resource') | map('upper') | list | length }}
Headers: {{ trigger.headers | dictsort | length }}
Done.
)";

}  // namespace

int main() {
    Json vars = context_1kb();
    std::printf("template benchmark (context %zu bytes of JSON)\n\n", vars.dump().size());

    const std::string simple = "{{ trigger.body.project | upper }}";
    auto t1 = Template::compile(simple);
    Context ctx(vars);
    std::string out;
    double render_simple = median_ns(2000, 1000, [&] { out = t1->render(ctx); });
    double value_simple = median_ns(2000, 1000, [&] { (void)t1->render_value(ctx); });
    double compile_simple = median_ns(2000, 100, [&] { (void)Template::compile(simple); });

    auto t2 = Template::compile(kReport);
    double render_report = median_ns(300, 20, [&] { out = t2->render(ctx); });
    double compile_report = median_ns(300, 20, [&] { (void)Template::compile(kReport); });

    TemplateCache cache;
    double cached = median_ns(2000, 1000, [&] { (void)cache.get(simple); });

    std::printf("  %-55s %10.0f ns   goal <= 1000 ns\n", "render {{ trigger.body.project | upper }}", render_simple);
    std::printf("  %-55s %10.0f ns\n", "  same, typed value (render_value)", value_simple);
    std::printf("  %-55s %10.0f ns\n", "  compile", compile_simple);
    std::printf("  %-55s %10.0f ns\n", "  cache hit (TemplateCache::get)", cached);
    std::printf("  %-55s %10.2f us\n", "render 20-line report (loop, filters, set, if)", render_report / 1000);
    std::printf("  %-55s %10.2f us\n", "  compile", compile_report / 1000);
    std::printf("\n  compile/render: simple %.1fx, report %.1fx\n", compile_simple / render_simple,
                compile_report / render_report);

    // The same expressions in YAQL, as Orquesta workflows write them ($ is the context).
    std::printf("\nYAQL next to Jinja (typed value of one expression):\n");
    const std::pair<const char*, const char*> pairs[] = {
        {"{{ trigger.body.project | upper }}", "<% $.trigger.body.project.toUpper() %>"},
        {"{{ trigger.body.usage | map(attribute='hours') | sum }}", "<% $.trigger.body.usage.select($.hours).sum() %>"},
        {"{{ trigger.body.usage | selectattr('hours', 'gt', 14) | list | length }}",
         "<% $.trigger.body.usage.where($.hours > 14).len() %>"},
        {"{{ trigger.body.owner.name == 'jtopjian' and 'cloud' in trigger.body.owner.team }}",
         "<% $.trigger.body.owner.name = jtopjian and cloud in $.trigger.body.owner.team %>"},
    };
    for (const auto& [jinja, yaql] : pairs) {
        auto j = Template::compile(jinja);
        auto y = packhost::expr::yaql::Template::compile(yaql);
        Value root = Value::borrow(vars);
        Json a = j->render_value(ctx), b = y->render_value(ctx, root);
        if (a != b) std::printf("  (results differ: %s vs %s)\n", a.dump().c_str(), b.dump().c_str());
        double jn = median_ns(2000, 300, [&] { (void)j->render_value(ctx); });
        double yn = median_ns(2000, 300, [&] { (void)y->render_value(ctx, root); });
        std::printf("  %-58s %8.0f ns\n  %-58s %8.0f ns   (%.2fx Jinja)\n", jinja, jn, yaql, yn, yn / jn);
    }
    return out.empty() ? 1 : 0;
}
