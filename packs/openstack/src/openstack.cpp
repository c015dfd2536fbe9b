// The openstack pack: Keystone and Nova from native actions, built with the
// public SDK like any third-party pack (it reaches nothing of the host's).
#include <packhost/sdk.hpp>

#include "cloud_config.hpp"
#include "compute.hpp"
#include "keystone.hpp"
#include "new_project_sensor.hpp"
#include "projects.hpp"
#include "report.hpp"

namespace {

using json = nlohmann::json;
using packhost::sdk::Context;

// The session for this execution's configuration; a bad configuration or
// any OpenStack failure fails the execution with its message.
std::shared_ptr<openstack::Session> session(const Context& ctx) {
    try {
        return openstack::session_for(openstack::read_cloud_config(ctx.config()));
    } catch (const std::invalid_argument& e) {
        throw packhost::sdk::action_error(std::string("openstack config: ") + e.what());
    }
}

template <typename F>
json reported(F&& f) {
    try {
        return f();
    } catch (const openstack::OpenStackError& e) {
        throw packhost::sdk::action_error(e.what());
    }
}

json string_param(const char* description, bool required = false) {
    json p = {{"type", "string"}, {"description", description}};
    if (required) p["required"] = true;
    return p;
}

}  // namespace

PACKHOST_PACK("openstack", "0.1.0") {
    pack.trigger_type("project_created", "A project appeared in Keystone (the new_project sensor).",
                      openstack::project_created_schema());
    pack.sensor<openstack::NewProjectSensor>(
        "new_project", "Emits project_created when a project appears in Keystone (every sensor_poll_interval s).",
        {"project_created"}, /*poll every*/ 1);

    pack.action(
        "token_issue", "Issues a Keystone token for the configured credentials (the cached one while it is valid).",
        {{"type", "object"},
         {"properties",
          {{"fresh",
            {{"type", "boolean"}, {"default", false}, {"description", "Issue a new token even if one is cached."}}}}}},
        [](const json& params, Context& ctx) {
            return reported([&] {
                auto t = session(ctx)->token(params.value("fresh", false));
                const json& b = t->body;
                json project = b.contains("project") ? b["project"] : json(nullptr);
                return json{{"expires", b.value("expires_at", "")},
                            {"id", t->id},
                            {"project_id", project.is_object() ? project.value("id", "") : ""},
                            {"user_id", b.contains("user") ? b["user"].value("id", "") : ""}};
            });
        },
        packhost::sdk::reentrant);

    pack.action(
        "project_lookup", "A project's ID and details from its name (or ID), as Keystone knows it.",
        {{"type", "object"},
         {"properties",
          {{"project", string_param("The project's name or ID.", true)},
           {"domain", string_param("The domain ID to look in, when a name is in several.")}}}},
        [](const json& params, Context& ctx) {
            return reported([&] {
                return openstack::lookup_project(*session(ctx), params.value("project", ""),
                                                 params.value("domain", ""));
            });
        },
        packhost::sdk::reentrant);

    pack.action(
        "project_list", "The projects the configured credentials may see.",
        {{"type", "object"}, {"properties", {{"domain", string_param("Only this domain's projects (its ID).")}}}},
        [](const json& params, Context& ctx) {
            return reported([&] {
                return json{{"projects", openstack::list_projects(*session(ctx), params.value("domain", ""))}};
            });
        },
        packhost::sdk::reentrant);

    pack.action(
        "server_list", "Servers with their status and flavor: the configured project's, another's, or all (admin).",
        {{"type", "object"},
         {"properties",
          {{"project", string_param("Only this project's servers (its ID); needs an admin token.")},
           {"all_projects",
            {{"type", "boolean"}, {"default", false}, {"description", "Every project's servers (admin)."}}}}}},
        [](const json& params, Context& ctx) {
            return reported([&] {
                return json{{"servers", openstack::list_servers(*session(ctx), params.value("project", ""),
                                                                params.value("all_projects", false))}};
            });
        },
        packhost::sdk::reentrant);

    pack.action(
        "project_usage",
        "A project's usage over a period (default the last 30 days): Nova's report with its servers and flavors.",
        {{"type", "object"},
         {"properties",
          {{"project_id", string_param("The project's ID (openstack.project_lookup finds it from a name).", true)},
           {"start", string_param("The period's start, a date or UTC time (default: `days` before the end).")},
           {"end", string_param("The period's end, a date or UTC time (default: now).")},
           {"days",
            {{"type", "number"}, {"default", 30}, {"description", "The period's length when start is not given."}}}}}},
        [](const json& params, Context& ctx) {
            openstack::Period period;
            try {
                period = openstack::usage_period(params.value("start", ""), params.value("end", ""),
                                                 params.value("days", 30.0), std::chrono::system_clock::now());
            } catch (const std::invalid_argument& e) {
                throw packhost::sdk::action_error(e.what());
            }
            return reported(
                [&] { return openstack::project_usage(*session(ctx), params.value("project_id", ""), period); });
        },
        packhost::sdk::reentrant);

    pack.action(
        "usage_table", "A project_usage result as text for people: a summary and a table of its servers.",
        {{"type", "object"},
         {"properties",
          {{"usage",
            {{"type", "object"}, {"required", true}, {"description", "What openstack.project_usage returned."}}},
           {"project",
            {{"type", "object"},
             {"description", "What openstack.project_lookup returned (its name heads the text)."}}}}}},
        [](const json& params, Context&) {
            return json{{"text", openstack::usage_table(params.at("usage"), params.value("project", json(nullptr)))}};
        },
        packhost::sdk::reentrant);

    pack.action(
        "flavor_list", "The compute flavors: vCPUs, RAM and disk of each.",
        {{"type", "object"},
         {"properties",
          {{"private",
            {{"type", "boolean"},
             {"default", false},
             {"description", "Private flavors too (admins; Nova ignores it for others)."}}}}}},
        [](const json& params, Context& ctx) {
            return reported([&] {
                return json{{"flavors", openstack::list_flavors(*session(ctx), params.value("private", false))}};
            });
        },
        packhost::sdk::reentrant);
}
