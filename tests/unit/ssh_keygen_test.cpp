// ssh-keygen and the helper programs around it (runtime/trust/ssh_keygen.h,
// runtime/tool_process.h): found only where an absolute path says, run with
// an environment built from scratch, detached from the terminal when
// verifying, with stdin /dev/null when signing, stopped with their group
// at the timeout, output capped, many at once in input order; and the
// sentences its failures on real keys turn into.
#include "runtime/trust/ssh_keygen.h"
#include "runtime/tool_process.h"
#include "ssh_test_support.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

using namespace mlops::runtime;
using mlops::testing::KeyScratch;
using mlops::testing::ScopedEnv;

namespace {

// A stand-in for ssh-keygen: a shell script, run as MLOPS_SSH_KEYGEN.
SshKeygen script(const KeyScratch& s, const std::string& name, const std::string& body) {
  std::string path = s.write(name, "#!/bin/sh\n" + body + "\n", 0700);
  std::string why;
  std::optional<SshKeygen> k = SshKeygen::locate(path.c_str(), "/usr/bin:/bin", why);
  REQUIRE(k);
  return *k;
}

}  // namespace

TEST_CASE("ssh-keygen is found through an absolute MLOPS_SSH_KEYGEN or absolute PATH entries", "[runtime][ssh]") {
  KeyScratch s;
  std::string fake = s.write("ssh-keygen", "#!/bin/sh\n", 0700);
  std::string why;
  std::optional<SshKeygen> k = SshKeygen::locate(fake.c_str(), "/usr/bin", why);
  REQUIRE(k);
  CHECK(k->program() == fake);

  CHECK(!SshKeygen::locate("ssh-keygen", "/usr/bin", why));
  CHECK(why == "MLOPS_SSH_KEYGEN must be an absolute path, found `ssh-keygen`");
  std::string notExecutable = s.write("plain", "#!/bin/sh\n", 0600);
  CHECK(!SshKeygen::locate(notExecutable.c_str(), "/usr/bin", why));
  CHECK(why.find("which is not an executable file") != std::string::npos);

  // Empty and relative entries (the current folder: a checkout) are skipped.
  REQUIRE(::chdir(s.dir.path().c_str()) == 0);
  k = SshKeygen::locate(nullptr, (std::string(":.:") + s.dir.path()).c_str(), why);
  REQUIRE(k);
  CHECK(k->program() == fake);
  CHECK(!SshKeygen::locate(nullptr, ":.:bin", why));
  CHECK(why == kMissingKeygen);
  CHECK(!SshKeygen::locate(nullptr, nullptr, why));
  REQUIRE(::chdir("/") == 0);
}

TEST_CASE("ssh-keygen gets an environment built from scratch", "[runtime][ssh]") {
  KeyScratch s;
  ScopedEnv env;
  env.set("MLOPS_TEST_SECRET", "hunter2").set("DISPLAY", ":7").set("LC_ALL", "de_DE.UTF-8");
  SshKeygen printEnv = script(s, "env", "env | sort");
  KeygenResult verify = printEnv.run({}, "", SshKeygen::Mode::Verify, 10);
  REQUIRE(verify.succeeded());
  CHECK(verify.out.find("MLOPS_TEST_SECRET") == std::string::npos);
  CHECK(verify.out.find("DISPLAY") == std::string::npos);  // verifying prompts for nothing
  CHECK(verify.out.find("LC_ALL=C\n") != std::string::npos);
  CHECK(verify.out.find("TZ=UTC\n") != std::string::npos);
  KeygenResult sign = printEnv.run({}, "", SshKeygen::Mode::Sign, 10);
  REQUIRE(sign.succeeded());
  CHECK(sign.out.find("DISPLAY=:7\n") != std::string::npos);  // an askpass prompt may need it
  CHECK(sign.out.find("MLOPS_TEST_SECRET") == std::string::npos);
}

TEST_CASE("a verifying ssh-keygen has no terminal; a signing one shares mlopsc's group and reads /dev/null when "
          "mlopsc owns the terminal's foreground, and is detached otherwise",
          "[runtime][ssh]") {
  KeyScratch s;
  // Process group and session of the child, then what its stdin is.
  SshKeygen ids = script(s, "ids", "echo \" $(cut -d' ' -f5,6 /proc/$$/stat) \"; readlink /proc/$$/fd/0; cat");
  KeygenResult verify = ids.run({}, "the payload", SshKeygen::Mode::Verify, 10);
  REQUIRE(verify.succeeded());
  std::string ownSession = std::to_string(::getsid(0));
  CHECK(verify.out.find(" " + ownSession + " ") == std::string::npos);
  CHECK(verify.out.find("the payload") != std::string::npos);  // stdin reaches it

  KeygenResult sign = ids.run({}, "the payload", SshKeygen::Mode::Sign, 10);
  REQUIRE(sign.succeeded());
  if (!signTimeout()) {  // a terminal whose foreground is this test: a prompt may be answered
    CHECK(sign.out.rfind(" " + std::to_string(::getpgrp()) + " " + ownSession + " \n", 0) == 0);
    CHECK(sign.out.find("/dev/null\n") != std::string::npos);
  } else {  // no terminal to prompt on (CI, a background job): detached, it fails instead of stopping
    CHECK(sign.out.find(" " + ownSession + " ") == std::string::npos);
  }
  CHECK(sign.out.find("the payload") == std::string::npos);  // never a passphrase
}

TEST_CASE("a timeout kills the whole group of a verifying ssh-keygen", "[runtime][ssh]") {
  KeyScratch s;
  std::string pidFile = s.path("background.pid");
  SshKeygen hang = script(s, "hang", "sleep 60 & echo $! > '" + pidFile + "'; wait");
  KeygenResult r = hang.run({}, "", SshKeygen::Mode::Verify, 0.3);
  CHECK(r.timedOut);
  CHECK(!r.succeeded());
  CHECK(describeKeygenFailure(r, "") == "ssh-keygen did not answer in time and was stopped");
  pid_t background = static_cast<pid_t>(std::atol(mlops::testing::shellOutput("cat '" + pidFile + "'").c_str()));
  REQUIRE(background > 0);
  // Killed with the group: gone once init has reaped it.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = ::kill(background, 0) != 0 && errno == ESRCH;
    if (!gone) ::usleep(10000);
  }
  CHECK(gone);
}

TEST_CASE("output is capped and a large stdin cannot deadlock", "[runtime][ssh]") {
  KeyScratch s;
  SshKeygen echo = script(s, "echo", "cat; head -c 300000 /dev/zero >&2");
  std::string big(1 << 20, 'x');
  KeygenResult r = echo.run({}, big, SshKeygen::Mode::Verify, 30);
  CHECK(r.succeeded());
  CHECK(r.out == big.substr(0, kToolOutputCap));
  CHECK(r.err.size() == kToolOutputCap);

  // It exits without reading its stdin: EPIPE, not a SIGPIPE that ends mlopsc.
  SshKeygen deaf = script(s, "deaf", "exit 3");
  KeygenResult d = deaf.run({}, big, SshKeygen::Mode::Verify, 30);
  CHECK(d.exitCode == 3);
}

TEST_CASE("runMany runs jobs in parallel and gives results in input order", "[runtime][ssh]") {
  KeyScratch s;
  SshKeygen job = script(s, "job", "sleep \"$1\"; echo \"$2\"; read line; echo \"$line\" >&2; exit \"$3\"");
  std::vector<SshKeygen::Job> jobs;
  for (int i = 0; i < 7; ++i)
    jobs.push_back({{i % 2 ? "0.2" : "0", "out" + std::to_string(i), std::to_string(i)}, "in" + std::to_string(i) + "\n"});
  std::vector<KeygenResult> results = job.runMany(jobs, 3);
  REQUIRE(results.size() == 7);
  for (int i = 0; i < 7; ++i) {
    CHECK(results[i].exitCode == i);
    CHECK(results[i].out == "out" + std::to_string(i) + "\n");
    CHECK(results[i].err == "in" + std::to_string(i) + "\n");
  }
  CHECK(job.runMany({}, 2).empty());
}

TEST_CASE("an ssh-keygen gone after it was found is reported as missing", "[runtime][ssh]") {
  KeyScratch s;
  SshKeygen gone = script(s, "gone", "exit 0");
  REQUIRE(::unlink(gone.program().c_str()) == 0);
  KeygenResult r = gone.run({"-l"}, "", SshKeygen::Mode::Verify, 10);
  CHECK(r.spawnErrno == ENOENT);
  CHECK(describeKeygenFailure(r, "k") == kMissingKeygen);
  std::vector<KeygenResult> many = gone.runMany({{{"-l"}, ""}, {{"-l"}, ""}}, 2);
  REQUIRE(many.size() == 2);
  CHECK(many[1].spawnErrno == ENOENT);
}

TEST_CASE("ssh-keygen's failures on real keys become sentences", "[runtime][ssh]") {
  KeyScratch s;
  std::string payload = s.write("statement.json", "{}");
  auto sign = [&](const std::string& key, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"-Y", "sign", "-n", "mlops-approval", "-f", key};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(payload);
    // Detached: no terminal, whatever runs the tests.
    KeygenResult r = s.keygen.run(args, "", SshKeygen::Mode::Verify, 10);
    CHECK(!r.succeeded());
    return describeKeygenFailure(r, key);
  };
  std::string locked = s.key("locked", "a passphrase");
  CHECK(sign(locked) == "the key `" + locked +
                            "` is protected by a passphrase and there is no terminal: load it into ssh-agent and pass "
                            "the public key (`--key " + locked + ".pub`)");
  std::string open = s.key("open");
  REQUIRE(::chmod(open.c_str(), 0644) == 0);
  CHECK(sign(open) == "`" + open + "` is readable by others (mode 0644): chmod 600 " + open);
  std::string garbage = s.write("garbage", "not a key\n");
  CHECK(sign(garbage) == "cannot read the key `" + garbage + "`: Couldn't load public key " + garbage +
                             ": No such file or directory");
  CHECK(sign(s.path("absent")).rfind("cannot read the key `", 0) == 0);
  {
    ScopedEnv noAgent;
    noAgent.set("SSH_AUTH_SOCK", nullptr);
    std::string pub = s.key("agent") + ".pub";
    CHECK(sign(pub, {"-U"}) == "`" + pub + "` is a public key, which signs through ssh-agent, but no agent is running "
                                           "(SSH_AUTH_SOCK)");
  }
  KeygenResult usage = s.keygen.run({"-Y", "verify", "-x"}, "", SshKeygen::Mode::Verify, 10);
  CHECK(describeKeygenFailure(usage, "").rfind("this ssh-keygen is older than OpenSSH 8.8 (no valid-after): ", 0) == 0);
}
