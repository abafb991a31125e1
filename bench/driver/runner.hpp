#pragma once
// Runs one scenario end to end: prepare over REST, open its connections (in one process or
// several), one timed phase or a ramp of them, close; prints the tables, returns the JSON.

#include <boost/json/object.hpp>

#include "config/options.hpp"
#include "measure/report.hpp"
#include "measure/result.hpp"

namespace parley::bench {

class Scenario;
class WorkerGroup;

class Runner {
 public:
  explicit Runner(const Options& o) : o_(o) {}
  // `clean` tells whether the run lost, duplicated or reordered nothing and saw no errors.
  boost::json::object run(bool& clean);

 private:
  Result phase(WorkerGroup& group, double rate, double seconds, ServerFigures& server);
  boost::json::object ramp(WorkerGroup& group, const Result& opened, bool& clean);
  bool passes(const Result& r) const;
  std::string title() const;

  const Options& o_;
  ServerFigures base_;
};

}  // namespace parley::bench
