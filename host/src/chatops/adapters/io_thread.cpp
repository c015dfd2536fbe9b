#include "chatops/adapters/io_thread.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

namespace packhost::chatops::adapters {

namespace net = boost::asio;

struct IoThread::Impl {
    net::io_context io{1};  // the concurrency hint: one thread runs it
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
};

IoThread::IoThread() : impl_(std::make_unique<Impl>()) {}

IoThread::~IoThread() { stop(); }

net::io_context& IoThread::io_context() { return impl_->io; }

void IoThread::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->work.reset();
    impl_->io.stop();
    impl_->thread.join();
}

}  // namespace packhost::chatops::adapters
