#pragma once
// The rules of the writes that change what a room holds, alike for both backends: what each write
// checks, in which order, and what it changes. Each runs on a backend's WriteDb, inside the
// write batch's transaction. (A send's insert is the backends' own: SQLite's per-message path and
// PostgreSQL's pipeline differ; its thread rules are here.)

#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "store/records.hpp"
#include "store/write_db.hpp"

namespace parley::store::rules {

WriteResult outcome(WriteStatus status, std::string detail = {});

// The thread a reply to `reply_to` joins (one level deep: a reply to a reply joins its parent's
// thread): the parent's id, or the `invalid` outcome.
std::variant<std::int64_t, WriteResult> thread_of(WriteDb& db, std::int64_t room_id,
                                                  std::int64_t reply_to);
// A stored reply changes its parent too, after it: the parent's new rev is above the reply's id.
void add_reply(WriteDb& db, WriteResult& stored, std::int64_t parent_id, std::int64_t now_ms);

// The uploads a send attaches, in order: the sender's own, each once; else the refusal.
std::variant<std::vector<domain::Upload>, WriteResult> attachments_of(WriteDb& db,
                                                                      const NewMessage& in);
// The stored message carries `uploads` (its row and `stored.message`).
void attach(WriteDb& db, WriteResult& stored, std::span<const domain::Upload> uploads);

WriteResult edit(WriteDb& db, const EditMessage& in, std::int64_t now_ms);
WriteResult remove(WriteDb& db, const DeleteMessage& in);
WriteResult react(WriteDb& db, const ReactMessage& in);
WriteResult read(WriteDb& db, const MarkRead& in);

}  // namespace parley::store::rules
