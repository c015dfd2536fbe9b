#include <packhost/sdk.hpp>

using nlohmann::json;

PACKHOST_PACK("hello", "0.1.0") {
    pack.action(
        "greet", "Greets someone by name.",
        {{"type", "object"},
         {"properties",
          {{"name", {{"type", "string"}, {"description", "Who to greet."}, {"minLength", 1}}},
           {"shout", {{"type", "boolean"}, {"default", false}}}}},
         {"required", {"name"}}},
        [](const json &params, packhost::sdk::Context &ctx) {
            std::string text = "Hello, " + params["name"].get<std::string>() + "!";
            if (params["shout"].get<bool>()) {
                for (auto &c : text)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            ctx.log(packhost::sdk::level::info, "greeted " + params["name"].get<std::string>());
            return json{{"greeting", text}};
        },
        packhost::sdk::reentrant);
}
