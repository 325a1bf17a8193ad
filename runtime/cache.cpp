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
  // Only when there is code: the keys of nodes without it stay as they were.
  if (!code.empty()) {
    j["code"] = nlohmann::ordered_json::array();
    for (const auto& [path, digest] : code) j["code"].push_back({path, digest.hex()});
  }
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
    if (auto it = j.find("code"); it != j.end())
      for (const auto& item : *it) {
        std::optional<Digest> d = Digest::fromHex(item.at(1).get<std::string>());
        if (!d) return std::nullopt;
        p.code.emplace_back(item.at(0).get<std::string>(), *d);
      }
    p.envNames = j.at("env").get<std::vector<std::string>>();
    p.runtimeVersion = j.at("runtime").get<std::string>();
    return p;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Digest CacheParts::key() const { return hashBytes(toJson()); }

namespace {

// The first difference between two path → digest lists ("input `x` changed"),
// or "" when they hold the same paths with the same digests.
std::string compareDigests(const char* what, const std::vector<std::pair<std::string, Digest>>& before,
                           const std::vector<std::pair<std::string, Digest>>& now) {
  std::map<std::string, Digest> old(before.begin(), before.end());
  for (const auto& [path, digest] : now) {
    auto it = old.find(path);
    if (it == old.end()) return std::string(what) + " `" + path + "` added";
    if (!(it->second == digest)) return std::string(what) + " `" + path + "` changed";
    old.erase(it);
  }
  if (!old.empty()) return std::string(what) + " `" + old.begin()->first + "` removed";
  return "";
}

}  // namespace

Verdict judge(const std::optional<CacheParts>& previous, const CacheParts& now,
              const std::vector<std::pair<std::string, Digest>>& recorded,
              const std::vector<std::pair<std::string, std::optional<Digest>>>& outputsNow) {
  if (!previous) return {false, "never ran"};
  if (previous->runtimeVersion != now.runtimeVersion)
    return {false, "the runtime changed (" + previous->runtimeVersion + " → " + now.runtimeVersion + ")"};
  // Parameters before the command: a changed parameter changes the command
  // it is interpolated into, and naming the parameter says more.
  std::map<std::string, std::string> oldParams(previous->params.begin(), previous->params.end());
  for (const auto& [name, text] : now.params) {
    auto it = oldParams.find(name);
    if (it == oldParams.end()) return {false, "parameter `" + name + "` added"};
    if (it->second != text) return {false, "parameter `" + name + "` changed (" + it->second + " → " + text + ")"};
    oldParams.erase(it);
  }
  if (!oldParams.empty()) return {false, "parameter `" + oldParams.begin()->first + "` removed"};
  if (!(previous->command == now.command)) return {false, "command changed"};
  if (std::string why = compareDigests("input", previous->inputs, now.inputs); !why.empty()) return {false, why};
  if (std::string why = compareDigests("code", previous->code, now.code); !why.empty()) return {false, why};
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
