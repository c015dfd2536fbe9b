#pragma once
// A real host (bundled core pack, fixture packs, a real SQLite store)
// answering StackStorm's REST API over a real socket on 127.0.0.1, and an
// HTTP client with an API key, for the tests of each group of routes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/api_keys.hpp"
#include "api/rest_api.hpp"
#include "events/event_bus.hpp"
#include "host.hpp"
#include "http/server.hpp"
#include "support/temp_dir.hpp"

namespace packhost::testing {

class RestApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::make_unique<packhost::testing::TempDir>("packhost-rest");
        HostOptions o;
        o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
        o.packs_path.insert(o.packs_path.end(), more_packs_.begin(), more_packs_.end());
        o.store_file = *dir_ / "packhost.db";
        o.key_file = *dir_ / "packhost.key";
        o.scheduler.workers = 2;
        o.events = &events_;
        host_ = std::make_unique<Host>(o);
        options_.events = &events_;
        api_ = std::make_unique<api::RestApi>(*host_, options_);
        http::ServerOptions so;
        so.port = 0;
        server_ = std::make_unique<http::Server>(so, [this](http::Request& r) { return api_->handle(r); });
        server_->start();
        key_ = api::ApiKeys(*host_->store()).create("tests", "alice").key;
        client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
        client_->set_read_timeout(10, 0);
    }
    void TearDown() override {
        client_.reset();
        if (server_) server_->stop();
        server_.reset();
        api_.reset();
        host_.reset();
    }

    httplib::Headers auth() const { return {{"St2-Api-Key", key_}}; }
    httplib::Result post(const std::string& path, const Json& body) {
        return client_->Post(path, auth(), body.dump(), "application/json");
    }
    // Waits until the execution has ended; returns its record.
    Json wait_for(const std::string& id) {
        for (int i = 0; i < 500; ++i) {
            auto r = client_->Get("/api/v1/executions/" + id, auth());
            if (r && r->status == 200) {
                auto j = Json::parse(r->body);
                std::string s = j["status"];
                if (s != "requested" && s != "scheduled" && s != "running" && s != "canceling") return j;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ADD_FAILURE() << "execution " << id << " did not end";
        return nullptr;
    }
    static std::string fault(const httplib::Result& r) {
        auto j = Json::parse(r->body, nullptr, false);
        return j.is_object() && j.contains("faultstring") ? j["faultstring"].get<std::string>() : "<" + r->body + ">";
    }

    // Set by a test's fixture before SetUp (webhook secrets, stream bounds).
    api::RestOptions options_;
    events::EventBus events_;
    std::vector<std::filesystem::path> more_packs_;  // set by a derived fixture's constructor
    std::unique_ptr<packhost::testing::TempDir> dir_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<api::RestApi> api_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<httplib::Client> client_;
    std::string key_;
};

}  // namespace packhost::testing
