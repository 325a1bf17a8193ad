// The SLURM mapping (ir/slurm_options.h): what a node's resources become
// as sbatch options, the job name, and the options `--slurm-opt` may not
// override. The same table serves `run --executor slurm` and the generated
// submit script.
#include "ir/slurm_options.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace mlops;

TEST_CASE("resources map to sbatch options, rounded up to SLURM's units") {
  ir::Node n;
  n.id = "model:train";
  n.resources.cpu = 1.5;
  n.resources.memoryBytes = 4.0 * 1024 * 1024 * 1024 + 1;  // a byte over 4 GiB
  n.resources.gpu = 1;
  n.resources.timeoutSeconds = 61;
  CHECK(ir::slurmResourceOptions(n) ==
        std::vector<std::string>{"--cpus-per-task=2", "--mem=4097M", "--gres=gpu:1", "--time=2"});
}

TEST_CASE("a short timeout is one minute, SLURM's smallest limit") {
  CHECK(ir::slurmTimeMinutes(2.0) == 1);
  CHECK(ir::slurmTimeMinutes(60.0) == 1);
  CHECK(ir::slurmTimeMinutes(3600.0) == 60);
  CHECK_FALSE(ir::slurmTimeMinutes(std::nullopt));
}

TEST_CASE("values a hostile pipeline.json may hold never make a malformed option") {
  ir::Node n;
  n.resources.cpu = std::numeric_limits<double>::quiet_NaN();
  n.resources.memoryBytes = -1;
  n.resources.gpu = 0;
  n.resources.timeoutSeconds = std::numeric_limits<double>::infinity();
  CHECK(ir::slurmResourceOptions(n).empty());
  n.resources.cpu = 1e300;
  n.resources.timeoutSeconds = 1e300;
  std::vector<std::string> capped = ir::slurmResourceOptions(n);
  REQUIRE(capped.size() == 2);
  CHECK(capped[0] == "--cpus-per-task=1048576");
  CHECK(capped[1] == "--time=527040");
}

TEST_CASE("job names carry the project and node id in characters squeue prints on one line") {
  ir::PipelineGraph g;
  g.projectName = "credit_risk";
  ir::Node n;
  n.id = "step:train[lr=0.1, n=\"a b\"]\n$(id)";
  std::string name = ir::slurmJobName(g, n);
  CHECK(name == "mlops.credit_risk.step:train_lr_0.1__n__a_b_____id_");
  n.id = std::string(500, 'x');
  CHECK(ir::slurmJobName(g, n).size() == 200);
}

TEST_CASE("--slurm-opt may not set what mlopsc controls") {
  for (const char* o : {"--output=x", "--export=ALL", "-o", "-ox", "--job-name", "--dependency=afterok:1", "-c4",
                        "--mem=1G", "--time=5", "--wrap=id", "--chdir=/", "-G2", "--gres=gpu:2",
                        // what getopt_long and grouped short options make of them
                        "--outp=x", "--dep=afterok:1", "--exp=ALL", "--wr=id", "-vo", "-vJname", "-Qvc4"})
    CHECK(ir::slurmOptionReserved(o));
  for (const char* o : {"--qos=high", "--constraint=a100", "--nice=10", "--exclusive", "--reservation=r", "-q", "--comment=x",
                        "--memory-ish", "-pdebug", "-vpgpu", "--time-min=5", "--hint=nomultithread"})
    CHECK_FALSE(ir::slurmOptionReserved(o));
}
