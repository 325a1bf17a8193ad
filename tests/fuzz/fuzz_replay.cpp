// Runs fuzz targets' LLVMFuzzerTestOneInput over files, without libFuzzer,
// so that the normal (gcc) and ASan builds exercise each target's input
// handling on its seeds (the CTests fuzz_replay_NAME), regression inputs
// included.
//
//   fuzz_replay NAME PATH...    every regular file of each folder PATH (or PATH itself)
//
// Exit status: 0 when every input ran; 2 on usage problems (an unknown
// target, an unreadable path, no input at all). A broken property aborts,
// as under libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

// Each target's entry points, renamed by tests/fuzz/CMakeLists.txt; a target
// without an LLVMFuzzerInitialize leaves its weak reference null.
#define MLOPS_FUZZ_TARGET(name)                                     \
  extern "C" int mlops_fuzz_##name(const uint8_t*, size_t);       \
  extern "C" int mlops_fuzz_init_##name(int*, char***) __attribute__((weak));
#include "fuzz_targets.def"
#undef MLOPS_FUZZ_TARGET

namespace {

struct Target {
  std::string_view name;
  int (*run)(const uint8_t*, size_t);
  int (*init)(int*, char***);
};

const Target kTargets[] = {
#define MLOPS_FUZZ_TARGET(name) {#name, mlops_fuzz_##name, mlops_fuzz_init_##name},
#include "fuzz_targets.def"
#undef MLOPS_FUZZ_TARGET
};

bool collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& files) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec))
      if (entry.is_regular_file()) found.push_back(entry.path());
    if (ec) return false;
    std::sort(found.begin(), found.end());  // the same order on every machine
    files.insert(files.end(), found.begin(), found.end());
    return true;
  }
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  files.push_back(path);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_replay NAME PATH...\n");
    return 2;
  }
  const Target* target = nullptr;
  for (const Target& t : kTargets)
    if (t.name == argv[1]) target = &t;
  if (!target) {
    std::fprintf(stderr, "fuzz_replay: unknown target `%s`, expected one of:", argv[1]);
    for (const Target& t : kTargets) std::fprintf(stderr, " %s", std::string(t.name).c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  std::vector<std::filesystem::path> files;
  for (int i = 2; i < argc; ++i)
    if (!collect(argv[i], files)) {
      std::fprintf(stderr, "fuzz_replay: `%s` is neither a folder nor a readable file\n", argv[i]);
      return 2;
    }
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no input files, expected at least one seed\n");
    return 2;
  }
  if (target->init) target->init(&argc, &argv);
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "fuzz_replay: cannot read `%s`\n", file.c_str());
      return 2;
    }
    target->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("fuzz_replay: %s: %zu inputs ran\n", std::string(target->name).c_str(), files.size());
  return 0;
}
