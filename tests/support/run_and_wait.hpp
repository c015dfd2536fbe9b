#pragma once
// Submits an execution to an in-process host and waits for it to end.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "host.hpp"

namespace packhost::testing {

inline std::shared_ptr<executions::Execution> run_and_wait(Host& host, const std::string& ref,
                                                           packhost::Json params = packhost::Json::object(),
                                                           double timeout = 0) {
    executions::Request r;
    r.action = ref;
    r.parameters = std::move(params);
    r.timeout_seconds = timeout;
    auto e = host.scheduler().submit(std::move(r));
    e->wait();
    return e;
}

}  // namespace packhost::testing
