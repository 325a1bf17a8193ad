#include "runtime/cache.h"

#include <nlohmann/json.hpp>

#include <map>

namespace mlops::runtime {

std::string CacheParts::toJson() const {
  nlohmann::ordered_json j;
  j["command"] = command.hex();
  j["params"] = nlohmann::ordered_json::array();
  for (const auto& [k, v] : params) j["params"].push_back({k, v});
  j["inputs"] = nlohmann::ordered_json::array();
  for (const auto& [path, digest] : inputs) j["inputs"].push_back({path, digest.hex()});
  j["env"] = envNames;
  j["runtime"] = runtimeVersion;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<CacheParts> CacheParts::fromJson(const std::string& text) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    CacheParts p;
    std::optional<Digest> command = Digest::fromHex(j.at("command").get<std::string>());
    if (!command) return std::nullopt;
    p.command = *command;
    for (const auto& item : j.at("params")) p.params.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
    for (const auto& item : j.at("inputs")) {
      std::optional<Digest> d = Digest::fromHex(item.at(1).get<std::string>());
      if (!d) return std::nullopt;
      p.inputs.emplace_back(item.at(0).get<std::string>(), *d);
    }
    p.envNames = j.at("env").get<std::vector<std::string>>();
    p.runtimeVersion = j.at("runtime").get<std::string>();
    return p;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Digest CacheParts::key() const { return hashBytes(toJson()); }

Verdict judge(const std::optional<CacheParts>& previous, const CacheParts& now,
              const std::vector<std::pair<std::string, Digest>>& recorded,
              const std::vector<std::pair<std::string, std::optional<Digest>>>& outputsNow) {
  if (!previous) return {false, "never ran"};
  if (previous->runtimeVersion != now.runtimeVersion)
    return {false, "the runtime changed (" + previous->runtimeVersion + " → " + now.runtimeVersion + ")"};
  if (!(previous->command == now.command)) return {false, "command changed"};
  std::map<std::string, std::string> oldParams(previous->params.begin(), previous->params.end());
  for (const auto& [name, text] : now.params) {
    auto it = oldParams.find(name);
    if (it == oldParams.end()) return {false, "parameter `" + name + "` added"};
    if (it->second != text) return {false, "parameter `" + name + "` changed (" + it->second + " → " + text + ")"};
    oldParams.erase(it);
  }
  if (!oldParams.empty()) return {false, "parameter `" + oldParams.begin()->first + "` removed"};
  std::map<std::string, Digest> oldInputs(previous->inputs.begin(), previous->inputs.end());
  for (const auto& [path, digest] : now.inputs) {
    auto it = oldInputs.find(path);
    if (it == oldInputs.end()) return {false, "input `" + path + "` added"};
    if (!(it->second == digest)) return {false, "input `" + path + "` changed"};
    oldInputs.erase(it);
  }
  if (!oldInputs.empty()) return {false, "input `" + oldInputs.begin()->first + "` removed"};
  if (previous->envNames != now.envNames) return {false, "declared environment changed"};
  std::map<std::string, Digest> wrote(recorded.begin(), recorded.end());
  for (const auto& [path, digest] : outputsNow) {
    if (!digest) return {false, "output `" + path + "` missing"};
    auto it = wrote.find(path);
    if (it == wrote.end()) return {false, "output `" + path + "` is new"};
    if (!(it->second == *digest)) return {false, "output `" + path + "` changed since it was written"};
  }
  return {true, ""};
}

}  // namespace mlops::runtime
