#pragma once
// A real host over the fixture packs and the bundled core pack, recording
// into a real SQLite store in a temporary directory: what the workflow
// tests run against, with a look at the recorded children of a workflow.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host.hpp"

namespace packhost::testing {

class WorkflowHost : public ::testing::Test {
protected:
    static void start_host(const std::string& name, size_t workers, actions::WorkflowLimits limits = {}) {
        dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                         ("packhost-" + name + "-" + std::to_string(::getpid())));
        std::filesystem::create_directories(*dir_);
        HostOptions o;
        o.packs_path = {FIXTURE_PACKS_DIR, BUNDLED_PACKS_DIR};
        o.store_file = *dir_ / "packhost.db";
        o.key_file = *dir_ / "packhost.key";
        o.scheduler.workers = workers;
        o.scheduler.workflow_limits = limits;
        host_ = new Host(o);
    }
    static void TearDownTestSuite() {
        delete host_;
        host_ = nullptr;
        std::filesystem::remove_all(*dir_);
        delete dir_;
    }

    // The recorded children of an execution, oldest first.
    static std::vector<store::ExecutionRecord> children(const std::string& id) {
        host_->store()->flush();
        auto c = host_->store()->executions({std::nullopt, std::nullopt, id, 100000});
        std::reverse(c.begin(), c.end());
        return c;
    }

    // Children running in this host now (a native one is recorded only
    // when it ends), oldest first.
    static std::vector<std::shared_ptr<executions::Execution>> live_children(const std::string& id) {
        std::vector<std::shared_ptr<executions::Execution>> out;
        for (const auto& e : host_->scheduler().recent(100000)) {
            if (e->parent_id() == id) out.insert(out.begin(), e);
        }
        return out;
    }

    // The stored record once its end is recorded (which follows the end
    // waiters see by a moment).
    static std::optional<store::ExecutionRecord> recorded(const std::string& id) {
        for (int i = 0; i < 200; ++i) {
            host_->store()->flush();
            auto r = host_->store()->execution(id);
            if (r && r->end_us != 0) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return host_->store()->execution(id);
    }

    static inline Host* host_ = nullptr;
    static inline std::filesystem::path* dir_ = nullptr;
};

}  // namespace packhost::testing
