// Boost.JSON compiled into the fuzzer itself, so that its parser carries coverage instrumentation
// and libFuzzer can find its way through JSON syntax.
#include <boost/json/src.hpp>
