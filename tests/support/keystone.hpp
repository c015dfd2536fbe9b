#pragma once
// A real Keystone for tests: Debian's keystone (Zed) on SQLite, served by
// uwsgi on 127.0.0.1 and a port of its own, set up from an empty folder as
// shared/reference/debian-components.md describes (db_sync, fernet and
// credential keys, bootstrap with an admin user and project and its own
// identity endpoint). Services Keystone's API cannot register on SQLite
// (see the recipe) are written into its database before it starts. Throws
// when any step fails: a test that cannot start its server fails.
#include <grp.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/free_port.hpp"
#include "support/process.hpp"

namespace packhost::testing {

class Keystone {
public:
    struct Service {
        std::string type, name, url;  // one endpoint per interface, region RegionOne
    };

    static constexpr const char* kAdminPassword = "s3cret";

    // `token_seconds`: how long its tokens last (Keystone's [token]
    // expiration; 0: its default, an hour).
    Keystone(const std::filesystem::path& dir, const std::vector<Service>& services = {}, int token_seconds = 0)
        : dir_(dir), port_(free_port()) {
        std::filesystem::create_directories(dir_);
        std::string d = dir_.string();
        std::ofstream(dir_ / "keystone.conf")
            << "[DEFAULT]\nlog_dir = " << d << "\nlog_file = keystone.log\n"
            << "[identity]\npassword_hash_rounds = 4\n"
            << (token_seconds > 0 ? "[token]\nexpiration = " + std::to_string(token_seconds) + "\n" : std::string())
            << "[database]\nconnection = sqlite:///" << d << "/keystone.db\n"
            << "[fernet_tokens]\nkey_repository = " << d << "/fernet-keys\n"
            << "[credential]\nkey_repository = " << d << "/credential-keys\n";
        std::string conf = (dir_ / "keystone.conf").string();
        auto manage = [&](std::vector<std::string> args) {
            std::vector<std::string> argv{"/usr/bin/keystone-manage", "--config-file", conf};
            argv.insert(argv.end(), args.begin(), args.end());
            auto r = run_process(argv);
            if (r.exit_code != 0)
                throw std::runtime_error("keystone-manage " + args[0] + " failed (apt-get install keystone): " + r.err);
        };
        manage({"db_sync"});
        // The key folders belong to whoever runs the test (root or not).
        std::string user = std::to_string(::getuid()), group = std::to_string(::getgid());
        if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
        if (const ::group* gr = ::getgrgid(::getgid())) group = gr->gr_name;
        manage({"fernet_setup", "--keystone-user", user, "--keystone-group", group});
        manage({"credential_setup", "--keystone-user", user, "--keystone-group", group});
        manage({"bootstrap", "--bootstrap-password", kAdminPassword, "--bootstrap-admin-url", url() + "/v3/",
                "--bootstrap-public-url", url() + "/v3/", "--bootstrap-internal-url", url() + "/v3/",
                "--bootstrap-region-id", "RegionOne"});
        register_services(services);
        start();
    }
    ~Keystone() { stop(); }
    Keystone(const Keystone&) = delete;
    Keystone& operator=(const Keystone&) = delete;

    uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // A token of the admin user on the admin project, and its body.
    std::pair<std::string, nlohmann::json> admin_token() const { return token("admin", kAdminPassword, "admin"); }
    std::pair<std::string, nlohmann::json> token(const std::string& user, const std::string& password,
                                                 const std::string& project) const {
        nlohmann::json auth = {
            {"auth",
             {{"identity",
               {{"methods", {"password"}},
                {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}},
              {"scope", {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}}}}}};
        auto r = client().Post("/v3/auth/tokens", auth.dump(), "application/json");
        if (!r || r->status != 201) throw std::runtime_error("Keystone refused " + user + ": " + (r ? r->body : ""));
        return {r->get_header_value("X-Subject-Token"), nlohmann::json::parse(r->body)["token"]};
    }

    // An admin call: `method` on `path` with `body`; returns the parsed
    // answer (null for none). Throws on an unexpected status.
    nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
                        int expected = 0) const {
        auto c = client();
        httplib::Headers h{{"X-Auth-Token", admin_token().first}};
        httplib::Result r = method == "POST"     ? c.Post(path, h, body.dump(), "application/json")
                            : method == "DELETE" ? c.Delete(path, h)
                            : method == "PATCH"  ? c.Patch(path, h, body.dump(), "application/json")
                            : method == "PUT"    ? c.Put(path, h, "", "application/json")
                                                 : c.Get(path, h);
        if (!r) throw std::runtime_error(method + " " + path + ": no answer");
        if (expected ? r->status != expected : r->status >= 300)
            throw std::runtime_error(method + " " + path + ": " + std::to_string(r->status) + " " + r->body);
        return r->body.empty() ? nlohmann::json() : nlohmann::json::parse(r->body);
    }

    // Revokes a token (DELETE /v3/auth/tokens).
    void revoke(const std::string& token) const {
        auto c = client();
        auto r = c.Delete("/v3/auth/tokens", {{"X-Auth-Token", admin_token().first}, {"X-Subject-Token", token}});
        if (!r || r->status != 204) throw std::runtime_error("cannot revoke a token");
    }

private:
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", port_);
        c.set_read_timeout(30, 0);
        return c;
    }

    void register_services(const std::vector<Service>& services) {
        if (services.empty()) return;
        sqlite3* db = nullptr;
        if (sqlite3_open((dir_ / "keystone.db").string().c_str(), &db) != SQLITE_OK)
            throw std::runtime_error("cannot open keystone.db");
        std::string sql;
        int n = 0;
        for (const auto& s : services) {
            std::string id = "svc" + std::to_string(++n);
            sql += "insert into service (id, type, enabled, extra) values ('" + id + "', '" + s.type +
                   "', 1, '{\"name\": \"" + s.name + "\"}');";
            for (const char* iface : {"public", "internal", "admin"}) {
                sql += "insert into endpoint (id, interface, service_id, url, extra, enabled, region_id) values ('" +
                       id + iface + "', '" + iface + "', '" + id + "', '" + s.url + "', '{}', 1, 'RegionOne');";
            }
        }
        char* error = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
        std::string why = error ? error : "";
        sqlite3_free(error);
        sqlite3_close(db);
        if (rc != SQLITE_OK) throw std::runtime_error("cannot register services in keystone.db: " + why);
    }

    void start() {
        std::string log = (dir_ / "uwsgi.log").string();
        // One process, one thread: Keystone on SQLite locks up with more.
        pid_ =
            start_server({"/usr/bin/uwsgi", "--plugins", "python3", "--http-socket",
                          "127.0.0.1:" + std::to_string(port_), "--wsgi-file", "/usr/bin/keystone-wsgi-public",
                          "--master", "--processes", "1", "--threads", "1", "--die-on-term", "--buffer-size", "65535"},
                         {{"OS_KEYSTONE_CONFIG_FILES", (dir_ / "keystone.conf").string()}}, log);
        for (int i = 0; i < 300; ++i) {  // until it answers (2-4 s)
            httplib::Client c("127.0.0.1", port_);
            c.set_connection_timeout(1, 0);
            if (auto r = c.Get("/v3"); r && r->status == 200) return;
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("uwsgi with keystone exited at start; see " + log);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        throw std::runtime_error("keystone did not answer on " + url() + " within 30 s; see " + log);
    }

    void stop() { terminate_server(pid_); }

    std::filesystem::path dir_;
    uint16_t port_;
    pid_t pid_ = -1;
};

}  // namespace packhost::testing
