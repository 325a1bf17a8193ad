// What the SLURM executor reads back from the cluster and the shared file
// system (runtime/exec/slurm_job_state.h, node_exec.h, slurm_job_registry.h):
// controller output, exec-node's result file and the registry of submitted
// jobs, each of which may be malformed or hostile.
#include "runtime/exec/node_exec.h"
#include "runtime/exec/slurm_job_registry.h"
#include "runtime/exec/slurm_job_state.h"
#include "runtime/private_temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace mlops::runtime;

TEST_CASE("squeue lines give each job's state and reason; other lines are ignored") {
  auto jobs = parseSqueue("12|RUNNING|None\n13|PENDING|Resources\n14|CANCELLED by 0|None\ngarbage\n|RUNNING|x\n"
                          "99999999999999999999999|RUNNING|None\n15|pending|x\n16|COMPLETED|\x1b[2Jevil\n");
  REQUIRE(jobs.size() == 4);
  CHECK(jobs["12"].state == "RUNNING");
  CHECK(jobs["12"].reason.empty());
  CHECK(jobs["13"].reason == "Resources");
  CHECK(jobs["14"].state == "CANCELLED");
  CHECK(jobs["16"].reason == " [2Jevil");  // control characters never reach the summary
}

TEST_CASE("final states, and pending reasons that mean never") {
  for (const char* s : {"COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "PREEMPTED"})
    CHECK(slurmStateFinal(s));
  for (const char* s : {"PENDING", "RUNNING", "COMPLETING", "SUSPENDED", "CONFIGURING", "REQUEUED", ""})
    CHECK_FALSE(slurmStateFinal(s));
  CHECK(slurmReasonHopeless("PartitionConfig"));
  CHECK(slurmReasonHopeless("InvalidAccount"));
  CHECK(slurmReasonHopeless("launch failed requeued held"));
  CHECK_FALSE(slurmReasonHopeless("Resources"));
  CHECK_FALSE(slurmReasonHopeless("Priority"));
  CHECK_FALSE(slurmReasonHopeless("Dependency"));
}

TEST_CASE("scontrol show job -o gives state, reason and exit code") {
  auto s = parseScontrolJob("JobId=7 JobName=mlops.p.step:a UserId=root(0) JobState=TIMEOUT Reason=TimeLimit "
                            "Dependency=(null) ExitCode=0:15 NumCPUs=2");
  REQUIRE(s);
  CHECK(s->state == "TIMEOUT");
  CHECK(s->reason == "TimeLimit");
  CHECK(s->exitCode == "0:15");
  CHECK(slurmEndDescription(*s) == "SLURM stopped it at its time limit (TIMEOUT), exit code 0:15, reason: TimeLimit");
  CHECK_FALSE(parseScontrolJob("slurm_load_jobs error: Invalid job id specified"));
}

TEST_CASE("sbatch --parsable gives a job id, with or without a cluster name") {
  CHECK(parseSbatchJobId("1234\n") == "1234");
  CHECK(parseSbatchJobId("1234;cluster\n") == "1234");
  CHECK_FALSE(parseSbatchJobId("Submitted batch job 1234"));
  CHECK_FALSE(parseSbatchJobId(""));
  CHECK_FALSE(parseSbatchJobId("12; rm -rf /"));
}

TEST_CASE("exec-node's result file round-trips, and anything else is refused") {
  ProcessResult r;
  r.exitCode = 3;
  r.seconds = 1.5;
  r.cpuSeconds = 0.25;
  r.maxRssBytes = 1 << 20;
  std::optional<ProcessResult> back = parseNodeResult(nodeResultJson(r));
  REQUIRE(back);
  CHECK(back->exitCode == 3);
  CHECK(back->seconds == 1.5);
  CHECK(back->cpuSeconds == 0.25);
  CHECK(back->maxRssBytes == 1 << 20);
  CHECK_FALSE(back->succeeded());
  for (const char* bad : {"", "{}", "[1]", "{\"exit_code\":0}", "not json",
                          "{\"exit_code\":999,\"signal\":0,\"timed_out\":false,\"seconds\":1,\"cpu_seconds\":1,\"max_rss_bytes\":1}",
                          "{\"exit_code\":0,\"signal\":0,\"timed_out\":false,\"seconds\":-1,\"cpu_seconds\":1,\"max_rss_bytes\":1}",
                          "{\"exit_code\":0,\"signal\":0,\"timed_out\":\"no\",\"seconds\":1,\"cpu_seconds\":1,\"max_rss_bytes\":1}"})
    CHECK_FALSE(parseNodeResult(bad));
}

TEST_CASE("the registry keeps the jobs a run did not see end, for the next run") {
  std::string error;
  std::optional<PrivateTempDir> dir = PrivateTempDir::create(error);
  REQUIRE(dir);
  std::string path = dir->path() + "/slurm-jobs";
  {
    auto first = SlurmJobRegistry::open(path, error);
    REQUIRE(first);
    CHECK(first->orphans().empty());
    first->submitted({"10", 1, "step:a", "k1", "/p/a.log", "/p/a.result.json"});
    first->submitted({"11", 1, "step:b \"quoted\"\n$(id)", "k2", "/p/b.log", "/p/b.result.json"});
    first->submitted({"12", 1, "step:c", "k3", "/p/c.log", "/p/c.result.json"});
    first->ended("10");
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "{\"submit\":\"13\",\"node\":\"step:d\"";  // a writer killed mid-line
  }
  auto second = SlurmJobRegistry::open(path, error);
  REQUIRE(second);
  REQUIRE(second->orphans().size() == 2);
  CHECK(second->orphans()[0].jobId == "11");
  CHECK(second->orphans()[0].node == "step:b \"quoted\"\n$(id)");
  CHECK(second->orphans()[1].cacheKey == "k3");
  second->ended("11");
  second.reset();
  auto third = SlurmJobRegistry::open(path, error);
  REQUIRE(third);
  REQUIRE(third->orphans().size() == 1);
  CHECK(third->orphans()[0].jobId == "12");
}

TEST_CASE("a registry of another version, or with hostile ids, touches no job") {
  std::string error;
  std::optional<PrivateTempDir> dir = PrivateTempDir::create(error);
  REQUIRE(dir);
  std::string path = dir->path() + "/slurm-jobs";
  std::ofstream(path) << "# mlopsc slurm jobs v2\n{\"submit\":\"5\",\"node\":\"x\"}\n";
  CHECK(SlurmJobRegistry::open(path, error)->orphans().empty());
  std::ofstream(path) << "# mlopsc slurm jobs v1\n{\"submit\":\"5 -u root\",\"node\":\"x\"}\n{\"submit\":5}\n"
                         "{\"submit\":\"-1\"}\n[]\n";
  CHECK(SlurmJobRegistry::open(path, error)->orphans().empty());
}
