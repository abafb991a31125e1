// Store micro-benchmarks: history pages from a 1,000,000-message room, group-commit appends, and
// appends spread over 1,000 rooms.
// Build: the store_history_bench target (bench/CMakeLists.txt), or by hand from the repo root
// after building the libraries:
//   g++ -std=c++20 -O2 -I src bench/store/store_history_bench.cpp -o store_history_bench
//       BUILD/libparley_store.a BUILD/libparley_observability.a BUILD/libparley_common.a
//       -lsqlite3 -lbenchmark -lbenchmark_main -lspdlog -lfmt -lpthread
// The 1M-message database is built once per run in a temporary directory (about 10 s).

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"

namespace {

using parley::store::Durability;
using parley::store::NewMessage;
using parley::store::SqliteStore;

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr int kMessages = 1'000'000;

// A temporary database with one user and one room holding kMessages messages.
struct HistoryFixture {
  std::filesystem::path dir;
  std::unique_ptr<SqliteStore> store;
  std::int64_t room = 0;
  std::int64_t user = 0;
  std::int64_t first_id = 0;
  std::int64_t last_id = 0;

  HistoryFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "parley-bench-XXXXXX").string();
    dir = mkdtemp(pattern.data());
    store = std::make_unique<SqliteStore>((dir / "bench.db").string(), Durability::normal);
    user = store->create_user("bench", "hash", kNow)->id;
    room = store->create_room("big", false, user, std::nullopt, kNow)->id;
    std::vector<NewMessage> batch;
    for (int done = 0; done < kMessages; done += static_cast<int>(batch.size())) {
      batch.clear();
      for (int i = 0; i < 10'000; ++i) {
        batch.push_back({room,
                         user,
                         "a typical chat message of moderate length #" + std::to_string(done + i),
                         "c" + std::to_string(done + i),
                         std::nullopt,
                         {}});
      }
      auto results = store->append_messages(batch, kNow);
      if (first_id == 0) first_id = results.front().message.id;
      last_id = results.back().message.id;
    }
  }
  ~HistoryFixture() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

HistoryFixture& history() {
  static HistoryFixture fixture;
  return fixture;
}

void BM_NewestPage(benchmark::State& state) {
  auto& f = history();
  for (auto _ : state) {
    auto page = f.store->messages_before(f.room, std::nullopt, 51);  // limit+1
    benchmark::DoNotOptimize(page);
  }
}
// Repetitions report mean, median and stddev of the per-page time.
BENCHMARK(BM_NewestPage)->Repetitions(5)->ReportAggregatesOnly(true);

// Pages read by read_page(fixture, id) at ids picked at random over the whole room.
template <typename ReadPage>
void random_pages(benchmark::State& state, std::uint64_t seed, ReadPage read_page) {
  auto& f = history();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick(f.first_id, f.last_id);
  for (auto _ : state) {
    auto page = read_page(f, pick(rng));
    benchmark::DoNotOptimize(page);
  }
}

void BM_RandomOlderPage(benchmark::State& state) {
  random_pages(state, 1, [](HistoryFixture& f, std::int64_t before) {
    return f.store->messages_before(f.room, before, 51);
  });
}
BENCHMARK(BM_RandomOlderPage)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_CatchUpPage(benchmark::State& state) {
  random_pages(state, 2, [](HistoryFixture& f, std::int64_t after) {
    return f.store->messages_after(f.room, after, 101);
  });
}
BENCHMARK(BM_CatchUpPage)->Repetitions(5)->ReportAggregatesOnly(true);

// One transaction of state.range(0) messages; items/s is the stored-message rate.
void BM_AppendBatch(benchmark::State& state, Durability durability) {
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-bench-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(pattern.data());
  {
    SqliteStore store((dir / "append.db").string(), durability);
    auto user = store.create_user("bench", "hash", kNow)->id;
    auto room = store.create_room("r", false, user, std::nullopt, kNow)->id;
    std::vector<NewMessage> batch(
        static_cast<std::size_t>(state.range(0)),
        NewMessage{room, user, "hello there", std::nullopt, std::nullopt, {}});
    for (auto _ : state) {
      auto results = store.append_messages(batch, kNow);
      benchmark::DoNotOptimize(results);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK_CAPTURE(BM_AppendBatch, normal, Durability::normal)->Arg(1)->Arg(64)->Arg(512);
BENCHMARK_CAPTURE(BM_AppendBatch, full, Durability::full)->Arg(1)->Arg(64)->Arg(512);

// The `rooms` load at the store: batches of 10 messages with client ids, each from another of
// 1,000 rooms, so that every message lands in its own room's index leaf. Measured after 300,000
// messages, once every room has a leaf of its own (the cost per message climbs until then).
void BM_AppendAcrossRooms(benchmark::State& state) {
  constexpr int kRooms = 1'000;
  constexpr int kBatch = 10;
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-bench-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(pattern.data());
  {
    SqliteStore store((dir / "rooms.db").string(), Durability::full);
    std::vector<std::int64_t> users, rooms;
    for (int i = 0; i < 16; ++i)
      users.push_back(store.create_user("u" + std::to_string(i), "hash", kNow)->id);
    for (int r = 0; r < kRooms; ++r) {
      rooms.push_back(
          store.create_room("r" + std::to_string(r), false, users[0], std::nullopt, kNow)->id);
      store.add_member(rooms.back(), users[r % 16], kNow);
    }
    std::int64_t seq = 0;
    std::vector<NewMessage> batch;
    auto append_one_batch = [&] {
      batch.clear();
      for (int i = 0; i < kBatch; ++i, ++seq) {
        const auto r = static_cast<std::size_t>(seq % kRooms);
        batch.push_back({rooms[r],
                         users[r % 16],
                         "a chat message of a typical length, #" + std::to_string(seq),
                         "bench." + std::to_string(seq),
                         std::nullopt,
                         {}});
      }
      benchmark::DoNotOptimize(store.append_messages(batch, kNow));
    };
    while (seq < 300'000) append_one_batch();
    for (auto _ : state) append_one_batch();
    state.SetItemsProcessed(state.iterations() * kBatch);
  }
  std::filesystem::remove_all(dir);
}
// A fixed count: calibrating would fill a new database for every trial.
BENCHMARK(BM_AppendAcrossRooms)->Unit(benchmark::kMicrosecond)->Iterations(30000);

}  // namespace
