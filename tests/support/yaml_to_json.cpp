// yaml_to_json FILE: prints the YAML document in FILE as JSON (scalars as
// strings, maps as objects in document order, sequences as arrays), for the
// e2e tests that read generated CI files (tests/e2e/review_github.sh)
// without a YAML library of their own. Exit 1 with yaml-cpp's message when
// the file is not YAML.
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <iostream>

namespace {

nlohmann::ordered_json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = toJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& item : node) out.push_back(toJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: return node.as<std::string>();
    default: return nullptr;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: yaml_to_json FILE\n";
    return 2;
  }
  try {
    std::cout << toJson(YAML::LoadFile(argv[1])).dump(2) << '\n';
  } catch (const std::exception& e) {
    std::cerr << "yaml_to_json: " << argv[1] << ": " << e.what() << '\n';
    return 1;
  }
  return 0;
}
