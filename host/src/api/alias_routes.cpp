// /api/v1/actionalias...: the loaded packs' action aliases as StackStorm's
// API serves them (st2 action-alias list|get|match, hubot's help): the
// list, one alias, which alias and format a chat message matches, and the
// help strings. Read from the packs on each request, as `packhost alias`
// reads them: what serve's chat side loaded at its start is the same.
#include "api/routes.hpp"

#include "api/handler_support.hpp"
#include "chatops/aliases/alias_index.hpp"
#include "core/python_regex.hpp"
#include "core/unicode.hpp"
#include "host.hpp"

namespace packhost::api {
namespace {

using http::Params;
using http::Request;
using http::Response;
using namespace chatops::aliases;

AliasIndex loaded_aliases(Host& host) {
    std::vector<std::string> problems;  // a broken alias is left out; `packhost alias list` names it
    return AliasIndex(load_pack_aliases(host.catalog(), problems), problems);
}

// StackStorm's generate_helpstring_result: every display of an enabled
// alias (of `pack`, when given) that the `filter` regular expression finds
// (case-insensitively), counted in `available`, the page of them listed.
Json help_strings(const AliasIndex& index, const std::string& filter, const std::string& pack, size_t limit,
                  size_t offset) {
    std::optional<core::PythonRegex> want;
    try {
        if (!filter.empty()) want = core::PythonRegex::compile(filter, {.dotall = false, .ignorecase = true});
    } catch (const std::invalid_argument& e) {
        throw Response::fault(400, std::string("filter: ") + e.what());
    }
    Json shown = Json::array();
    size_t count = 0;
    for (const auto& alias : index.aliases()) {
        if (!alias.enabled || (!pack.empty() && alias.pack != pack)) continue;
        for (const auto& format : alias.formats) {
            if (!format.display) continue;
            // The JIT-compiled search reads UTF-8 unchecked: a display that
            // is not (its alias's file was not) is not found.
            if (want && !core::unicode::is_utf8(*format.display)) continue;
            try {
                if (want && !want->search(*format.display)) continue;
            } catch (const core::PythonRegex::TooCostly&) {
                continue;  // the filter cannot decide in bounded time: not found
            }
            if (count >= offset && (limit == 0 || count - offset < limit)) {
                shown.push_back(
                    {{"pack", alias.pack}, {"display", *format.display}, {"description", alias.description}});
            }
            ++count;
        }
    }
    return {{"available", count}, {"helpstrings", std::move(shown)}};
}

}  // namespace

void add_alias_routes(http::Router& r, Host& host) {
    r.add("GET", "/api/v1/actionalias", guarded([&host](const Request& req, const Params&) {
              const std::string* pack = req.query_value("pack");
              Json out = Json::array();
              auto index = loaded_aliases(host);
              for (const auto& a : index.aliases()) {
                  if (!pack || a.pack == *pack) out.push_back(a.to_json());
              }
              return Response::json(200, out);
          }));

    r.add("GET", "/api/v1/actionalias/help", guarded([&host](const Request& req, const Params&) {
              const std::string* filter = req.query_value("filter");
              const std::string* pack = req.query_value("pack");
              size_t limit = number_param(req, "limit", 0, 1000);
              size_t offset = number_param(req, "offset", 0, static_cast<size_t>(-1));
              return Response::json(
                  200, help_strings(loaded_aliases(host), filter ? *filter : "", pack ? *pack : "", limit, offset));
          }));

    r.add("POST", "/api/v1/actionalias/match", guarded([&host](const Request& req, const Params&) {
              Json body = json_body(req);
              auto command = body.find("command");
              if (command == body.end() || !command->is_string()) {
                  throw Response::fault(400, "command: a string is required");
              }
              auto index = loaded_aliases(host);
              try {
                  auto match = index.match(FormatParser::prepare(command->get<std::string>()));
                  return Response::json(200, match.to_json());
              } catch (const AmbiguousCommand& e) {
                  return Response::fault(400, e.what());  // StackStorm's: matched no / more than 1 pattern(s)
              } catch (const std::invalid_argument& e) {
                  return Response::fault(400, std::string("command: ") + e.what());
              }
          }));

    r.add("GET", "/api/v1/actionalias/{ref}", guarded([&host](const Request&, const Params& p) {
              auto index = loaded_aliases(host);
              const auto* a = index.find(p.at("ref"));
              if (!a) throw core::NotFound("ActionAlias \"" + p.at("ref") + "\" cannot be found.");
              return Response::json(200, a->to_json());
          }));
}

}  // namespace packhost::api
