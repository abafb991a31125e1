#include "store/store.hpp"

namespace parley::store {

std::vector<WriteResult> Store::append_messages(std::span<const NewMessage> batch,
                                                std::int64_t now_ms) {
  std::vector<Write> writes(batch.begin(), batch.end());
  return write_batch(writes, now_ms);
}

}  // namespace parley::store
