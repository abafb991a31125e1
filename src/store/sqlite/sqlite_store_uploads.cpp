// SqliteStore's uploads: the rows of the files in the upload directory.

#include <stdexcept>

#include "store/row_mappers.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store {
domain::Upload SqliteStore::insert_upload(const domain::Upload& upload) {
  std::lock_guard lock(write_mutex_);
  // width and height go as text: SQLite's type affinity stores them as integers.
  auto insert = writer_.statement(
      "INSERT INTO uploads (user_id, name, size, content_type, file, width, height, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS INTEGER), CAST(?7 AS INTEGER), ?8) RETURNING id");
  insert.bind(1, upload.user_id).bind(2, upload.name).bind(3, upload.size);
  insert.bind(4, upload.content_type).bind(5, upload.file);
  const auto width = optional_number(upload.width);
  const auto height = optional_number(upload.height);
  insert.bind(6, width).bind(7, height).bind(8, upload.created_at_ms);
  if (!insert.step()) throw std::logic_error("upload insert returned no id");
  domain::Upload out = upload;
  out.id = insert.int64(0);
  insert.run();
  return out;
}

std::optional<domain::Upload> SqliteStore::find_upload(std::int64_t upload_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(std::string(kSelectUploads) + "WHERE u.id = ?1");
  statement.bind(1, upload_id);
  if (!statement.step()) return std::nullopt;
  return read_upload(statement);
}

bool SqliteStore::may_download(std::int64_t upload_id, std::int64_t user_id) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = ?1 AND user_id = ?2) OR EXISTS ("
      "SELECT 1 FROM message_attachments a JOIN messages m ON m.id = a.message_id "
      "JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = ?2 WHERE a.upload_id = ?1)");
  statement.bind(1, upload_id).bind(2, user_id);
  return statement.step() && statement.boolean(0);
}

std::vector<domain::Upload> SqliteStore::collectable_uploads(std::int64_t detached_before_ms,
                                                             std::int64_t unattached_before_ms,
                                                             int limit) {
  auto reader = readers_.acquire();
  auto statement = reader->statement(
      std::string(kSelectUploads) +
      "WHERE ((u.detached_at IS NOT NULL AND u.detached_at <= ?1) OR "
      "(u.attached = 0 AND u.created_at <= ?2)) AND NOT EXISTS "
      "(SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id) ORDER BY u.id LIMIT ?3");
  statement.bind(1, detached_before_ms).bind(2, unattached_before_ms);
  statement.bind(3, static_cast<std::int64_t>(limit));
  std::vector<domain::Upload> out;
  while (statement.step()) out.push_back(read_upload(statement));
  return out;
}

bool SqliteStore::delete_upload(std::int64_t upload_id) {
  std::lock_guard lock(write_mutex_);
  writer_
      .statement(
          "DELETE FROM uploads WHERE id = ?1 AND NOT EXISTS "
          "(SELECT 1 FROM message_attachments WHERE upload_id = ?1)")
      .bind(1, upload_id)
      .run();
  return writer_.changes() > 0;
}

}  // namespace parley::store
