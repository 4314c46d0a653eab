// POST /api/v1/passport/verify: an employer's check of a skills passport,
// open to everyone. A passport issued from a tiny store verifies; a changed
// grade, a revoked item or another holder's e-mail does not; bad requests
// get a clean 4xx and the server keeps serving.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/file_util.h"
#include "lantern/ingest.h"
#include "measures/qualifications.h"
#include "passport/credentials.h"
#include "passport/jcs.h"
#include "server/server.h"
#include "store/store.h"
#include "tests/ks4_store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern::server {
namespace {

using lantern::testing::TinyUpn;
using nlohmann::json;

class PassportEndpointTest : public lantern::testing::ScratchDirTest {
 protected:
  PassportEndpointTest() : ScratchDirTest("lantern_passport_endpoint") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    const std::string p4 = TinyUpn(4);
    StoreState state;
    lantern::testing::MakeKs4Store(dir_,
                                   p4 + ",900002,201819,GCSE_MATHS,6,2019-06\n" + p4 +
                                       ",900002,201819,FS_ENGLISH_L1,P,2019-06\n",
                                   &state);
    if (HasFatalFailure()) return;
    auto catalogue = QualCatalogue::Load(DefaultCatalogueDir());
    ASSERT_TRUE(catalogue.ok());
    passport::IssuerSetup setup;
    setup.name = "Tiny Academy";
    setup.urn = 900002;
    setup.status_list_url = "https://tiny.example/status-list.json";
    issuer_ = dir_ + "/issuer";
    ASSERT_TRUE(passport::InitIssuer(issuer_, setup, "2026-12-06T10:00:00Z").ok());
    passport::IssueOptions o;
    o.recipient_email = "learner@example.org";
    o.now = "2026-12-06T10:00:00Z";
    auto issued = passport::IssuePassport(state, *catalogue, TinyUpn(4), issuer_, o);
    ASSERT_TRUE(issued.ok()) << issued.status().message();
    passport_ = issued->record;

    ServerOptions so;
    so.store_dir = dir_ + "/store";
    so.port = 0;
    so.quiet = true;
    so.threads = 2;
    so.web_dir = dir_ + "/no-web";
    so.real_data_dir = dir_ + "/no-published-data";
    auto server = Server::Create(so);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
    ScratchDirTest::TearDown();
  }

  json StatusList() const {
    return passport::ParseJson(ReadFileToString(issuer_ + "/status-list.json").value()).value();
  }

  // POSTs the body; returns the status and the parsed answer.
  std::pair<int, json> Post(const std::string& body, const char* type = "application/json") const {
    httplib::Client c("127.0.0.1", server_->port());
    auto r = c.Post("/api/v1/passport/verify", body, type);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  std::string issuer_;
  json passport_;
  std::unique_ptr<Server> server_;
};

TEST_F(PassportEndpointTest, AnIssuedPassportIsValidAndAChangedOneIsNot) {
  auto [status, answer] = Post(json{
      {"passport", passport_},
      {"status_list", StatusList()},
      {"recipient_email",
       "learner@example.org"}}.dump());
  ASSERT_EQ(status, 200);
  EXPECT_TRUE(answer["valid"].get<bool>()) << answer.dump(2);
  ASSERT_EQ(answer["items"].size(), 2u);
  bool maths = false;
  for (const json& item : answer["items"]) {
    if (item["name"] == "GCSE Mathematics") {
      maths = true;
      EXPECT_EQ(item["result"], "6");
      EXPECT_EQ(item["level"], "RQF Level 2");
      EXPECT_EQ(item["type"], "GCSE");
      EXPECT_TRUE(item["verified"].get<bool>());
    }
  }
  EXPECT_TRUE(maths);

  json changed = passport_;
  changed["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["result"][0]
         ["value"] = "9";
  auto [s2, a2] = Post(json{{"passport", changed}}.dump());
  ASSERT_EQ(s2, 200);
  EXPECT_FALSE(a2["valid"].get<bool>());
  EXPECT_FALSE(a2["problems"].empty());

  auto [s3, a3] = Post(json{{"passport", passport_}, {"recipient_email", "x@example.org"}}.dump());
  ASSERT_EQ(s3, 200);
  EXPECT_FALSE(a3["valid"].get<bool>());

  // Revoked by the issuer: not valid with the list published after.
  const json item = passport_["credentialSubject"]["verifiableCredential"][0];
  ASSERT_TRUE(passport::Revoke(issuer_, item, "2026-12-07T10:00:00Z").ok());
  auto [s4, a4] = Post(json{{"passport", item}, {"status_list", StatusList()}}.dump());
  ASSERT_EQ(s4, 200);
  EXPECT_FALSE(a4["valid"].get<bool>());
}

TEST_F(PassportEndpointTest, BadRequestsGetAClean4xxAndTheServerKeepsServing) {
  EXPECT_EQ(Post("{not json").first, 400);
  EXPECT_EQ(Post("[1,2]").first, 400);
  EXPECT_EQ(Post(json{{"passport", "a string"}}.dump()).first, 400);
  EXPECT_EQ(Post(json{{"passport", passport_}, {"status_list", 3}}.dump()).first, 400);
  EXPECT_EQ(Post(json{{"passport", passport_}}.dump(), "text/plain").first, 415);
  EXPECT_EQ(Post("{\"passport\": {}, \"passport\": {}}").first, 400);  // duplicate member
  EXPECT_EQ(Post(std::string(2 << 20, ' ')).first, 413);
  // Not a passport at all: answered, not valid.
  auto [s, a] = Post(json{{"passport", json{{"type", "Nothing"}}}}.dump());
  EXPECT_EQ(s, 200);
  EXPECT_FALSE(a["valid"].get<bool>());
  httplib::Client c("127.0.0.1", server_->port());
  auto health = c.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace lantern::server
