#include "chatops/aliases/alias.hpp"

#include <set>

#include "core/errors.hpp"
#include "events/document.hpp"

namespace packhost::chatops::aliases {
namespace {

// StackStorm's alias schema has additionalProperties: false; id, ref and
// uid are what its API adds and tolerates on the way back in.
const std::set<std::string> kKnownKeys = {"name",    "pack", "description", "enabled", "action_ref",
                                          "formats", "ack",  "result",      "extra",   "immutable_parameters",
                                          "id",      "ref",  "uid"};

void check_mapping(const Json& doc, const char* key, const std::set<std::string>& allowed, const std::string& at,
                   Json& out, std::vector<std::string>& problems) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return;
    if (!it->is_object()) {
        problems.push_back(at + key + ": must be a mapping");
        return;
    }
    for (const auto& [k, v] : it->items()) {
        if (allowed.empty()) break;  // free-form: extra, immutable_parameters
        if (!allowed.count(k)) {
            problems.push_back(at + key + "." + k + ": not a known key");
        } else if ((k == "enabled" || k == "append_url") && !v.is_boolean()) {
            problems.push_back(at + key + "." + k + ": must be true or false");
        } else if (k == "format" && !v.is_string()) {
            problems.push_back(at + key + ".format: must be a string (a Jinja template)");
        } else if (k == "extra" && !v.is_object()) {
            problems.push_back(at + key + ".extra: must be a mapping");
        }
    }
    out = *it;
}

AliasFormat parse_format(const Json& f, const std::string& at, std::vector<std::string>& problems) {
    AliasFormat out;
    if (f.is_string()) {
        out.display = f.get<std::string>();
        out.representations.push_back(f.get<std::string>());
        return out;
    }
    if (!f.is_object()) {
        problems.push_back(at + ": must be a string or {display, representation, match_multiple}");
        return out;
    }
    for (const auto& [k, v] : f.items()) {
        if (k != "display" && k != "representation" && k != "match_multiple") {
            problems.push_back(at + "." + k + ": not a known key (display, representation, match_multiple)");
        }
        (void)v;
    }
    if (auto d = f.find("display"); d != f.end() && !d->is_null()) {
        if (d->is_string()) {
            out.display = d->get<std::string>();
        } else {
            problems.push_back(at + ".display: must be a string");
        }
    }
    if (auto r = f.find("representation"); r != f.end() && !r->is_null()) {
        if (r->is_string()) {
            out.representations.push_back(r->get<std::string>());
        } else if (r->is_array()) {
            for (size_t i = 0; i < r->size(); ++i) {
                if ((*r)[i].is_string()) {
                    out.representations.push_back((*r)[i].get<std::string>());
                } else {
                    problems.push_back(at + ".representation[" + std::to_string(i) + "]: must be a string");
                }
            }
        } else {
            problems.push_back(at + ".representation: must be a string or a list of strings");
        }
    }
    if (auto m = f.find("match_multiple"); m != f.end() && !m->is_null()) {
        if (m->is_boolean()) {
            out.match_multiple = m->get<bool>();
        } else {
            problems.push_back(at + ".match_multiple: must be true or false");
        }
    }
    if (!out.display && out.representations.empty()) {
        problems.push_back(at + ": needs a display or a representation");
    }
    return out;
}

}  // namespace

Alias Alias::parse(const Json& doc, const std::string& where) {
    if (!doc.is_object()) {
        throw core::ValidationError(where + ": an action alias must be a mapping (name, action_ref, formats, ...)");
    }
    std::vector<std::string> problems;
    const std::string at = where + ": ";
    for (const auto& [k, v] : doc.items()) {
        (void)v;
        if (!kKnownKeys.count(k)) problems.push_back(at + k + ": not a known key of an action alias");
    }
    Alias a;
    a.name = events::text_field(doc, "name", at, true, problems);
    a.pack = events::text_field(doc, "pack", at, true, problems);
    a.description = events::text_field(doc, "description", at, false, problems);
    a.action_ref = events::text_field(doc, "action_ref", at, true, problems);
    if (!a.action_ref.empty() && a.action_ref.find('.') == std::string::npos) {
        problems.push_back(at + "action_ref: '" + a.action_ref + "' is not an action ref (pack.name)");
    }
    if (auto e = doc.find("enabled"); e != doc.end() && !e->is_null()) {
        if (e->is_boolean()) {
            a.enabled = e->get<bool>();
        } else {
            problems.push_back(at + "enabled: must be true or false");
        }
    }
    auto formats = doc.find("formats");
    if (formats == doc.end() || !formats->is_array() || formats->empty()) {
        problems.push_back(at + "formats: required, a list of strings or {display, representation}");
    } else {
        a.formats_doc = *formats;
        for (size_t i = 0; i < formats->size(); ++i) {
            a.formats.push_back(parse_format((*formats)[i], at + "formats[" + std::to_string(i) + "]", problems));
        }
    }
    check_mapping(doc, "ack", {"enabled", "format", "append_url", "extra"}, at, a.ack, problems);
    check_mapping(doc, "result", {"enabled", "format", "extra"}, at, a.result, problems);
    check_mapping(doc, "extra", {}, at, a.extra, problems);
    check_mapping(doc, "immutable_parameters", {}, at, a.immutable_parameters, problems);
    if (!problems.empty()) throw core::ValidationError(problems);
    return a;
}

Json Alias::to_json() const {
    Json out = Json::object();
    out["ref"] = ref();
    out["name"] = name;
    out["pack"] = pack;
    out["description"] = description;
    out["enabled"] = enabled;
    out["action_ref"] = action_ref;
    out["formats"] = formats_doc;
    out["ack"] = ack;
    out["result"] = result;
    out["extra"] = extra;
    out["immutable_parameters"] = immutable_parameters;
    return out;
}

}  // namespace packhost::chatops::aliases
