#pragma once
// What every workflow runtime (Orquesta, ActionChain) does the same way:
// its events — start, restore, a child ended, a timer fired, cancel, pause,
// resume — are handled one at a time by whichever thread posts (no thread
// of its own, no lock on its state); children are started with their end
// posted back as an event; timers; state recorded under the run's byte
// limit; a child left behind by an ended process settled; the run finished
// once. A runtime says what each event means.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actions/action.hpp"
#include "workflows/event_queue.hpp"

namespace packhost::workflows {

class WorkflowRun : public actions::DeferredRun, public std::enable_shared_from_this<WorkflowRun> {
public:
    void start();    // a new run
    void restore();  // go on from what an ended process recorded
    void cancel() override;
    void pause() override;
    void resume() override;

protected:
    // Which task a child or a timer is for (the runtime decides the meaning).
    struct Key {
        int64_t task = -1;
        int64_t attempt = 0;
        int64_t item = -1;
    };

    // `invocation` is the workflow's execution; it outlives the run until
    // the run finishes it. `what` names the runtime in logs.
    WorkflowRun(actions::Invocation& invocation, std::string what);

    virtual void on_start() = 0;
    virtual void on_restore() = 0;
    virtual void on_child_end(const Key& key, const actions::ChildEnd& end) = 0;
    virtual void on_timer(const Key& key) = 0;
    virtual void on_cancel() = 0;
    virtual void on_pause() = 0;
    virtual void on_resume() = 0;
    // A handler threw (a state that cannot be read back, or a bug): the
    // runtime ends the run with `message` rather than hang it.
    virtual void on_error(const std::string& message) = 0;
    // After each event, once nothing else is queued by it.
    virtual void after_event() {}

    // Starts `action` as a child; its end comes back through on_child_end
    // with `key`. Throws as Orchestration::start_child does.
    std::string start_child(const std::string& action, Json parameters, Json context, Key key);
    void cancel_child(const std::string& id) { orch_.cancel_child(id); }
    // on_timer(key) after `seconds`.
    void after(double seconds, Key key);
    size_t pending_timers() const { return timers_; }

    // Records a part. False once what the run recorded passed its limit
    // (the part is still written: the record stays whole).
    bool write(actions::StatePart part);
    size_t state_bytes() const { return state_bytes_; }
    std::vector<actions::StatePart> recorded_state();

    // What became of the child a task had started when the process running
    // the workflow ended, from the children recorded for that task (oldest
    // first) and the child id the run had noted (empty: none): its end as
    // recorded (one that had not ended, as abandoned); one handed out but
    // never recorded, recorded now as lost and abandoned; nullopt when none
    // ever ran, so the task starts it again.
    std::optional<actions::ChildEnd> settle_child(
        const std::vector<const actions::Orchestration::RecordedChild*>& recorded, const std::string& noted,
        const std::string& action, const Json& context);

    void finish(actions::RunOutcome outcome);
    bool finished() const { return finished_; }

    actions::Invocation& inv_;
    actions::Orchestration& orch_;
    const actions::WorkflowLimits limits_;

private:
    struct Posted {  // an event, as queued
        enum class Kind { start, restore, child_end, timer, cancel, pause, resume };
        Kind kind = Kind::start;
        Key key;
        actions::ChildEnd end;
    };
    void post(Posted event);
    void handle(Posted& event);

    std::string what_;
    EventQueue<Posted> events_;
    // Touched only by the thread handling events.
    size_t state_bytes_ = 0;
    size_t timers_ = 0;
    bool finished_ = false;
};

}  // namespace packhost::workflows
