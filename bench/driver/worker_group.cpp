#include "driver/worker_group.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <iostream>

#include "client/bench_error.hpp"

namespace parley::bench {
namespace {

std::string read_line(FILE* f) {
  std::string line;
  int c;
  while ((c = std::fgetc(f)) != EOF && c != '\n') line += static_cast<char>(c);
  return line;
}

void write_line(FILE* f, const std::string& line) {
  std::fputs(line.c_str(), f);
  std::fputc('\n', f);
  std::fflush(f);
}

Result failed(const std::string& what) {
  Result r;
  r.count_error("worker: " + what.substr(0, 100));
  return r;
}

}  // namespace

WorkerGroup::WorkerGroup(Scenario& scenario, std::size_t processes)
    : scenario_(scenario), processes_(std::max<std::size_t>(1, processes)) {}

WorkerGroup::~WorkerGroup() {
  close();
}

Result WorkerGroup::open() {
  if (processes_ == 1) return scenario_.open(0, 1);
  std::cout.flush();
  std::cerr.flush();
  for (std::size_t i = 0; i < processes_; ++i) {
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) throw BenchError("pipe: " + std::string(strerror(errno)));
    const int pid = fork();
    if (pid < 0) throw BenchError("fork: " + std::string(strerror(errno)));
    if (pid == 0) {
      ::close(down[1]);
      ::close(up[0]);
      // Drop the pipes of earlier siblings, so that each sees EOF when the parent goes away.
      for (auto& c : children_) {
        std::fclose(c.commands);
        std::fclose(c.results);
      }
      child_main(i, fdopen(down[0], "r"), fdopen(up[1], "w"));
    }
    ::close(down[0]);
    ::close(up[1]);
    children_.push_back({pid, fdopen(down[1], "w"), fdopen(up[0], "r")});
  }
  return collect();
}

Result WorkerGroup::phase(double rate, double seconds) {
  scenario_.before_phase();
  if (processes_ == 1) return scenario_.run_phase(rate, seconds);
  for (auto& c : children_)
    write_line(c.commands, "phase " + std::to_string(rate) + " " + std::to_string(seconds));
  return collect();
}

Result WorkerGroup::collect() {
  Result merged;
  for (auto& c : children_) {
    const std::string line = read_line(c.results);
    if (line.empty()) {
      merged.merge(failed("process " + std::to_string(c.pid) + " ended"));
      continue;
    }
    try {
      merged.merge(Result::from_json(line));
    } catch (const std::exception& e) {
      merged.merge(failed(std::string("bad result: ") + e.what()));
    }
  }
  return merged;
}

void WorkerGroup::close() {
  if (closed_) return;
  closed_ = true;
  if (processes_ == 1) {
    scenario_.close();
    return;
  }
  for (auto& c : children_) {
    write_line(c.commands, "close");
    std::fclose(c.commands);
  }
  for (auto& c : children_) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    std::fclose(c.results);
  }
  children_.clear();
}

void WorkerGroup::child_main(std::size_t index, FILE* commands, FILE* results) {
  try {
    write_line(results, scenario_.open(index, processes_).to_json());
    for (;;) {
      const std::string line = read_line(commands);
      if (line.rfind("phase ", 0) == 0) {
        double rate = 0, seconds = 0;
        std::sscanf(line.c_str() + 6, "%lf %lf", &rate, &seconds);
        write_line(results, scenario_.run_phase(rate, seconds).to_json());
        continue;
      }
      break;  // "close" or EOF
    }
    scenario_.close();
  } catch (const std::exception& e) {
    write_line(results, failed(e.what()).to_json());
  }
  std::fflush(nullptr);
  _exit(0);
}

}  // namespace parley::bench
