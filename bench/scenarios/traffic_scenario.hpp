#pragma once
// fanout, rooms, cluster and conversation: K rooms × M subscribers, S of the subscribers also
// sending at a total rate. Every subscriber checks that its room's messages arrive once each, in
// id order; latency is measured from the send timestamp carried in the body to each subscriber's
// receipt. conversation mixes in changes: of every 19 operations of a sender, 10 are sends, 1 an
// edit of its last message, 3 reactions (toggled) to the room's last message and 5 read positions;
// the room's events (messages and updates) must arrive once each in position order.
// With several instances (--url), members are placed by a RoomLayout; cluster keeps each room's
// sender apart from its other members, so that deliveries cross the bus.

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "client/fleet_handler.hpp"
#include "measure/shared_counters.hpp"
#include "scenarios/room_layout.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/scenario_setup.hpp"
#include "scenarios/worker_connections.hpp"

namespace parley::bench {

class TrafficScenario : public Scenario, public FleetHandler {
 public:
  TrafficScenario(const Options& o, std::string tag);
  ~TrafficScenario() override;

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  void before_phase() override;
  Result run_phase(double rate, double seconds) override;
  void close() override;
  bool rate_driven() const override { return true; }

  void on_ready(std::size_t slot, std::size_t thread) override;
  void on_frame(std::size_t slot, std::size_t thread, const JsonFields& frame,
                std::string_view text) override;
  void on_lost(std::size_t slot, std::size_t thread, std::string_view reason) override;

 private:
  // One connection of this worker, touched only on its thread.
  struct Conn {
    std::uint32_t room = 0;  // room index
    std::int32_t sender = -1;
    std::uint32_t server = 0;  // instance index
    bool ready = false;
    std::int64_t last_id = 0;
    std::uint64_t seq = 0;         // sender: messages sent so far
    std::uint64_t phase_sent = 0;  // sender: sends due in this phase already handled
    std::uint64_t in_flight = 0;   // sender: unacked
    std::size_t slot = 0;
    // conversation only.
    std::int64_t last_position = 0;    // of the room's events seen
    std::int64_t own_last_id = 0;      // sender: its newest acked message
    std::int64_t room_last_id = 0;     // the room's newest message seen
    std::int64_t react_target = 0;     // sender: the message its reaction toggles on
    bool react_on = false;             // sender: whether its reaction is on there now
    std::deque<std::int64_t> sent_at;  // sender: send times of unanswered operations
  };
  struct alignas(64) ThreadState {
    Result r;
    std::vector<std::size_t> senders;  // conn indexes of this thread's senders
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool sending = false;
    std::int64_t start_ns = 0;
    double per_sender_rate = 0;
    std::string scratch;
    std::uint64_t across_instances = 0;       // deliveries on another instance than the sender's
    std::atomic<std::uint64_t> delivered{0};  // written by the thread only
    std::atomic<std::int64_t> outstanding{0};
  };

  void tick(std::size_t thread);
  void send_one(ThreadState& ts, Conn& c);
  // conversation: the next operation of the mix (a send when there is nothing to change yet).
  void operate(ThreadState& ts, Conn& c);
  void on_room_update(ThreadState& ts, Conn& c, const JsonFields& f);
  // A reply to one of the sender's operations: ack, updated or read_state. `room_event`: the
  // operation changed the room's stream (so every subscriber gets an event for it).
  void on_reply(ThreadState& ts, Conn& c, bool room_event);
  void on_message(ThreadState& ts, Conn& c, const JsonFields& f);
  std::uint64_t sum_delivered() const;
  // Deliveries this worker's subscribers owe: every process's acks per room × local subscribers.
  std::uint64_t local_expected() const;
  void add_in_flight(ThreadState& ts, std::int64_t n);

  const Options& o_;
  std::string tag_;
  bool mix_ = false;  // conversation
  RoomLayout layout_;
  // The plan, computed in prepare() and inherited by every worker.
  ScenarioSetup setup_;                     // rooms by room index
  std::vector<std::size_t> sender_conn_;    // sender → global conn index
  std::vector<std::int32_t> conn_sender_;   // global conn → sender or -1
  std::vector<std::uint32_t> conn_server_;  // global conn → instance index
  std::uint64_t nonce_ = 0;
  std::int64_t bound_ns_;  // --p99-ms, for the timeline
  // [0]: sends in flight over all processes; [1 + room]: acks of the phase per room.
  std::unique_ptr<SharedCounters> shared_;
  // This worker.
  std::unique_ptr<WorkerConnections> connections_;
  std::vector<Conn> conns_;  // by fleet slot
  std::vector<std::unique_ptr<ThreadState>> threads_;
  std::vector<std::uint64_t> room_ready_subs_;  // at phase start, this worker
};

}  // namespace parley::bench
