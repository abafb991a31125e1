// Conformance of search (search_messages) and uploads (rows, attachments, collection): the same
// answers from both backends.
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/text.hpp"
#include "store_conformance.hpp"

namespace parley::store::test {

namespace {

std::vector<std::int64_t> search_ids(Store& store, const User& viewer, const std::string& q,
                                     std::optional<std::int64_t> room = std::nullopt,
                                     std::optional<std::int64_t> before = std::nullopt,
                                     int limit = 20) {
  SearchQuery query{viewer.id, text_words(q), room, before, limit};
  std::vector<std::int64_t> ids;
  for (const auto& m : store.search_messages(query)) ids.push_back(m.id);
  return ids;
}

domain::Upload upload_of(const User& user, const std::string& file, std::int64_t at) {
  domain::Upload u;
  u.user_id = user.id;
  u.name = file + ".txt";
  u.size = 3;
  u.content_type = "text/plain";
  u.file = file;
  u.created_at_ms = at;
  return u;
}

}  // namespace

TEST_P(StoreConformance, SearchMatchesWordsAccentsPrefixAndMembership) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room open = make_room("open", alice);
  Room secret = make_room("secret", alice, true);
  Message cafe = append(open, alice, "Le Café est ouvert: https://deploy.example.com/x");
  Message other = append(open, alice, "deployment tomorrow, café closed");
  Message hidden = append(secret, alice, "secret café");
  EXPECT_EQ(search_ids(store(), alice, "cafe"),
            (std::vector<std::int64_t>{hidden.id, other.id, cafe.id}));
  EXPECT_EQ(search_ids(store(), alice, "CAFÉ deplo"),
            (std::vector<std::int64_t>{other.id, cafe.id}));
  EXPECT_EQ(search_ids(store(), alice, "deplo café"), std::vector<std::int64_t>{});
  EXPECT_EQ(search_ids(store(), alice, "\"cafe\" OR NEAR* -x:"), std::vector<std::int64_t>{});
  EXPECT_EQ(search_ids(store(), alice, "cafe", open.id),
            (std::vector<std::int64_t>{other.id, cafe.id}));
  EXPECT_EQ(search_ids(store(), alice, "cafe", std::nullopt, other.id),
            (std::vector<std::int64_t>{cafe.id}));
  EXPECT_EQ(search_ids(store(), alice, "cafe", std::nullopt, std::nullopt, 1),
            (std::vector<std::int64_t>{hidden.id}));
  // bob is in no room yet; then in the open one only.
  EXPECT_TRUE(search_ids(store(), bob, "cafe").empty());
  ASSERT_TRUE(store().add_member(open.id, bob.id, kNow));
  EXPECT_EQ(search_ids(store(), bob, "cafe"), (std::vector<std::int64_t>{other.id, cafe.id}));
  EXPECT_TRUE(search_ids(store(), bob, "cafe", secret.id).empty());
}

TEST_P(StoreConformance, SearchFollowsEditsAndDeletions) {
  User alice = make_user("alice");
  Room room = make_room("room", alice);
  Message m = append(room, alice, "oldword here");
  Message gone = append(room, alice, "oldword gone");
  edit(room, alice, m.id, "newword here");
  remove(room, alice, gone.id);
  EXPECT_TRUE(search_ids(store(), alice, "oldword").empty());
  EXPECT_EQ(search_ids(store(), alice, "newword"), std::vector<std::int64_t>{m.id});
  ASSERT_TRUE(store().delete_room(room.id));
  EXPECT_TRUE(search_ids(store(), alice, "newword").empty());
}

TEST_P(StoreConformance, UploadsAttachDetachAndAreCollected) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("room", alice);
  auto kept = store().insert_upload(upload_of(alice, "kept", 1000));
  auto loose = store().insert_upload(upload_of(alice, "loose", 1000));
  auto image = upload_of(alice, "image", 1000);
  image.width = 640;
  image.height = 480;
  image = store().insert_upload(image);
  EXPECT_GT(kept.id, 0);
  auto found = store().find_upload(image.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->file, "image");
  EXPECT_EQ(found->width, 640);
  EXPECT_EQ(found->height, 480);
  EXPECT_FALSE(store().find_upload(kept.id)->width.has_value());

  EXPECT_TRUE(store().may_download(kept.id, alice.id));
  EXPECT_FALSE(store().may_download(kept.id, bob.id));
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  NewMessage in = message(room, alice, "");
  in.attachments = {kept.id, image.id};
  WriteResult sent = write(in);
  ASSERT_EQ(sent.status, WriteStatus::stored);
  ASSERT_TRUE(sent.message.attachments_json.has_value());
  EXPECT_NE(sent.message.attachments_json->find("\"width\":640"), std::string::npos);
  EXPECT_EQ(store().find_message(room.id, sent.message.id)->attachments_json,
            sent.message.attachments_json);
  EXPECT_TRUE(store().may_download(kept.id, bob.id));

  NewMessage theirs = message(room, bob, "x");
  theirs.attachments = {loose.id};
  EXPECT_EQ(write(theirs).status, WriteStatus::invalid);

  // Never attached and old enough: collectable; attached: never.
  auto due = store().collectable_uploads(0, 2000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, loose.id);
  EXPECT_TRUE(store().collectable_uploads(0, 999, 10).empty());

  remove(room, alice, sent.message.id);
  EXPECT_FALSE(store().find_message(room.id, sent.message.id)->attachments_json.has_value());
  EXPECT_FALSE(store().may_download(kept.id, bob.id));
  EXPECT_TRUE(store().may_download(kept.id, alice.id));
  EXPECT_EQ(store().collectable_uploads(now_ms() + 1000, 0, 10).size(), 2u);
  EXPECT_TRUE(store().delete_upload(kept.id));
  EXPECT_FALSE(store().find_upload(kept.id).has_value());
}

}  // namespace parley::store::test
