// PostgresStore's uploads: the rows of the files in the upload directory.

#include "store/postgres/postgres_row.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/row_mappers.hpp"

namespace parley::store {
domain::Upload PostgresStore::insert_upload(const domain::Upload& upload) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "INSERT INTO uploads (user_id, name, size, content_type, file, width, height, created_at) "
      "VALUES ($1::bigint, $2, $3::bigint, $4, $5, $6::bigint, $7::bigint, $8::bigint) "
      "RETURNING id",
      {upload.user_id, upload.name, upload.size, upload.content_type, upload.file,
       optional_number(upload.width), optional_number(upload.height), upload.created_at_ms});
  domain::Upload out = upload;
  out.id = result.int64(0, 0);
  return out;
}

std::optional<domain::Upload> PostgresStore::find_upload(std::int64_t upload_id) {
  auto connection = pool_.acquire();
  auto result =
      connection->query(std::string(kSelectUploads) + "WHERE u.id = $1::bigint", {upload_id});
  if (result.empty()) return std::nullopt;
  return read_upload(PostgresRow(result, 0));
}

bool PostgresStore::may_download(std::int64_t upload_id, std::int64_t user_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = $1::bigint AND user_id = $2::bigint) OR "
      "EXISTS (SELECT 1 FROM message_attachments a JOIN messages m ON m.id = a.message_id "
      "JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = $2::bigint "
      "WHERE a.upload_id = $1::bigint)",
      {upload_id, user_id});
  return PostgresRow(result, 0).boolean(0);
}

std::vector<domain::Upload> PostgresStore::collectable_uploads(std::int64_t detached_before_ms,
                                                               std::int64_t unattached_before_ms,
                                                               int limit) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      std::string(kSelectUploads) +
          "WHERE ((u.detached_at IS NOT NULL AND u.detached_at <= $1::bigint) OR "
          "(NOT u.attached AND u.created_at <= $2::bigint)) AND NOT EXISTS "
          "(SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id) ORDER BY u.id "
          "LIMIT $3::bigint",
      {detached_before_ms, unattached_before_ms, static_cast<std::int64_t>(limit)});
  std::vector<domain::Upload> out;
  for (int i = 0; i < result.rows(); ++i) out.push_back(read_upload(PostgresRow(result, i)));
  return out;
}

bool PostgresStore::delete_upload(std::int64_t upload_id) {
  auto connection = pool_.acquire();
  auto result = connection->query(
      "DELETE FROM uploads WHERE id = $1::bigint AND NOT EXISTS "
      "(SELECT 1 FROM message_attachments WHERE upload_id = $1::bigint) RETURNING id",
      {upload_id});
  return !result.empty();
}

}  // namespace parley::store
