// Every command, and every command under one (`lantern users add`), answers
// --help with exit code 0 and at least one example of its use.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace lantern {
namespace {

// `lantern ARGS --help`: its exit code, its output in *out.
int Help(const std::string& args, std::string* out) {
  const std::string cmd = std::string(LANTERN_BINARY) + " " + args + " --help 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  out->clear();
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = ::pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// The names listed under "Subcommands:" in a help text.
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  std::string line;
  bool listing = false;
  while (std::getline(in, line)) {
    if (line == "Subcommands:") {
      listing = true;
    } else if (listing && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (listing && line.empty()) {
      listing = false;
    }
  }
  return names;
}

bool HasExample(const std::string& help) {
  return help.find("Example") != std::string::npos || help.find("example") != std::string::npos;
}

TEST(CliHelpTest, EveryCommandHasHelpWithAnExample) {
  std::string top;
  ASSERT_EQ(Help("", &top), 0) << top;
  const std::vector<std::string> commands = Subcommands(top);
  ASSERT_GE(commands.size(), 15u) << top;
  size_t nested = 0;
  for (const std::string& c : commands) {
    std::string help;
    EXPECT_EQ(Help(c, &help), 0) << c << "\n" << help;
    const std::vector<std::string> under = Subcommands(help);
    if (under.empty()) {
      EXPECT_TRUE(HasExample(help)) << "lantern " << c << " --help gives no example:\n" << help;
    }
    for (const std::string& s : under) {
      std::string sub;
      EXPECT_EQ(Help(c + " " + s, &sub), 0) << c << " " << s << "\n" << sub;
      EXPECT_TRUE(HasExample(sub)) << "lantern " << c << " " << s << " --help gives no example:\n"
                                   << sub;
      ++nested;
    }
  }
  EXPECT_GE(nested, 10u) << "users, referrals, agreements, audit and passport have commands";
}

}  // namespace
}  // namespace lantern
