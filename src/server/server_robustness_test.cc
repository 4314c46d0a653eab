// The server under conditions a person cannot arrange by hand: TLS, a
// client that sends half a request and waits, and a server killed outright
// (SIGKILL) after it has answered: nothing committed may be lost.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "lantern/ingest.h"
#include "server/accounts.h"
#include "server/server.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPassword = "correct-horse-battery";

class ServerRobustnessTest : public lantern::testing::ScratchDirTest {
 protected:
  ServerRobustnessTest() : ScratchDirTest("lantern_server_robust") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = dir_ + "/store";
    ASSERT_TRUE(lantern::testing::IngestTinyInput(dir_ + "/input", store_).ok());
    auto accounts = Accounts::Open(store_ + "/lantern.db");
    ASSERT_TRUE(accounts.ok());
    ASSERT_TRUE((*accounts)->AddUser("head", Role::kSchool, "900001", kPassword).ok());
  }
  ServerOptions Options() const {
    ServerOptions o;
    o.store_dir = store_;
    o.port = 0;
    o.quiet = true;
    o.threads = 2;
    o.web_dir = dir_ + "/no-web";
    o.real_data_dir = dir_ + "/no-published-data";
    return o;
  }
  std::string store_;
};

TEST_F(ServerRobustnessTest, ServesHttpsWithACertificate) {
  const std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl (scripts/install-deps) made no certificate";
  ServerOptions o = Options();
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = Server::Create(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->Start().ok());
  httplib::SSLClient tls("127.0.0.1", (*server)->port());
  tls.enable_server_certificate_verification(false);
  auto r = tls.Get("/api/v1/health");
  ASSERT_TRUE(r) << "no answer over TLS";
  EXPECT_EQ(r->status, 200);
  // Plain HTTP to the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", (*server)->port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/api/v1/health");
  EXPECT_TRUE(!p || p->status != 200);
  // A key that does not exist is refused at start, not at the first client.
  o.tls_key = dir_ + "/missing.pem";
  EXPECT_FALSE(Server::Create(o).ok());
  (*server)->Stop();
}

TEST_F(ServerRobustnessTest, ASlowClientIsDroppedAndOthersAreServed) {
  ServerOptions o = Options();
  o.io_timeout_seconds = 1;
  auto server = Server::Create(o);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE((*server)->Start().ok());
  // Half a request, then nothing.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>((*server)->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string half = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));
  // Others are served meanwhile.
  httplib::Client c("127.0.0.1", (*server)->port());
  auto r = c.Get("/api/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The slow one is dropped after the timeout: the server closes it.
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  const auto t0 = std::chrono::steady_clock::now();
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
  }
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(n, 0) << "the connection should be closed by the server";
  EXPECT_LT(waited, 4.5);
  ::close(fd);
  (*server)->Stop();
}

TEST_F(ServerRobustnessTest, AKilledServerLosesNoAccountOrAuditEntry) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl(LANTERN_BINARY, LANTERN_BINARY, "serve", "--store", store_.c_str(), "--port", "18777",
            "--web", (dir_ + "/no-web").c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  httplib::Client c("127.0.0.1", 18777);
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    auto r = c.Get("/api/v1/health");
    up = r && r->status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(up) << "lantern serve did not start";
  auto login = c.Post("/api/v1/session", json{{"username", "head"}, {"password", kPassword}}.dump(),
                      "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200);
  const std::string set = login->get_header_value("Set-Cookie");
  const std::string cookie = set.substr(0, set.find(';'));
  for (int i = 0; i < 3; ++i) {
    auto r = c.Get("/api/v1/schools/900001/pupils", httplib::Headers{{"Cookie", cookie}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  // Killed at once, with no chance to close anything.
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  auto accounts = Accounts::Open(store_ + "/lantern.db");
  ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
  auto entries = (*accounts)->AuditEntries(0, 100);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 3u) << "every answered read was audited and kept";
  auto verify = (*accounts)->VerifyAudit();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->problem;
  EXPECT_TRUE((*accounts)->FindUser("head").ok());
}

}  // namespace
}  // namespace lantern::server
