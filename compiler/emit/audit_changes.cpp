// Which way a change moves a control (AuditChange::Direction):
//
// - `expect` of a test, a monitor, a column's `where`: when the trees have
//   the same shape and differ only in the bounds of ordering comparisons,
//   each moved bound is a threshold: a floor (`X >= N`, `X > N`, mirrored
//   `N <= X`) lowered or a ceiling (`X <= N`, `X < N`) raised is Loosened,
//   the opposite Tightened; `not` reverses the sense, `and`/`or` keep it.
//   A bound may be arithmetic (`baseline.auc - 0.01`) when its literals move
//   it one way. An expectation that appears tightens, one that disappears
//   loosens; any other change (operator, name, `==`, `in`) is None.
// - a check argument (`uses.NAME`, numeric, same check): its uses in the
//   check's expectation decide — on the bound side of `<`/`<=` a ceiling
//   (raised = Loosened, as psi's `threshold`), of `>`/`>=` a floor (lowered
//   = Loosened); `P == N or …` makes N switch the bound off (rows' `max =
//   0`): to N loosens, from N tightens. When the uses disagree or cannot be
//   told, the name decides (effectByName).
// - test `severity`: blocking → warning Loosened, warning → blocking
//   Tightened.
// - gate `approvals`, compared per role: a smaller quorum or a role dropped
//   Loosened, a larger quorum or a role added Tightened; `require`: a test
//   dropped Loosened, one added Tightened.
// - kpi `target` with the same `>`/`>=` (`<`/`<=`): lower (higher) Loosened.
// - data `freshness` and monitor `every`: longer Loosened, set where there
//   was none Tightened, removed Loosened.
// - project `risk_tier`: lower (high → medium → low) Loosened.
// - project `signers`: set where there was none Tightened (approvals must
//   be signed), removed Loosened; another file or other bytes None (who
//   may sign changed: the summary says so, `mlopsc diff` asks for review).
// - role `quota` (cpu, memory, gpu): raised or removed Loosened, lowered or
//   set where there was none Tightened.
// - `secrets` of a node: a secret added Loosened (one more credential in
//   the job), removed Tightened.
// - deploy `strategy`: to `rolling` (all traffic at once) from a gradual
//   one Loosened, the reverse Tightened; a canary with a larger first step,
//   fewer steps or a shorter (or no) interval Loosened, the opposite
//   Tightened; an A/B test with a larger split or a shorter duration
//   Loosened, the opposite Tightened.
// - a test, gate or monitor removed Loosened, added Tightened.
// - several parts of one change pulling both ways: Loosened.
// Everything else, role members included (the summary names who came and
// went), is None.
#include "emit/audit_changes.h"

#include "emit/value_text.h"

#include "emit/ci_plan.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace mlops::emit {
namespace {

using json = nlohmann::ordered_json;
using Direction = AuditChange::Direction;

// ---- values as the spec writes them

std::string number(double v) { return numberText(v); }
std::string duration(double seconds) { return durationText(seconds); }
std::string bytes(double amount) { return bytesText(amount); }

std::string optionalText(const std::optional<double>& v, std::string (*render)(double)) {
  return v ? render(*v) : std::string();
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string list(const std::vector<std::string>& items) { return "[" + join(items) + "]"; }

std::string stringLiteral(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// A summary is one line: a run of white space that breaks a line (an
// expression over two lines) becomes one space; other text is kept.
std::string oneLine(std::string_view text) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (!isSpace(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    bool breaks = false;
    while (end < text.size() && isSpace(text[end])) breaks |= text[end++] != ' ';
    if (!breaks) out.append(text.substr(i, end - i));
    else if (i > 0 && end < text.size()) out += ' ';
    i = end;
  }
  return out;
}

// `model:scorer` → `scorer`: references are written by name (all top-level
// names share one namespace).
std::string nodeName(const std::string& id) {
  size_t colon = id.find(':');
  return colon == std::string::npos ? id : id.substr(colon + 1);
}

std::vector<std::string> nodeNames(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) out.push_back(nodeName(id));
  return out;
}

std::string sourceText(const ir::Source& s) {
  if (s.kind.empty()) return {};
  std::vector<std::string> args;
  for (size_t i = 0; i < s.arguments.size(); ++i) {
    const auto& [name, value] = s.arguments[i];
    bool positional = i == 0 && (name == "path" || name == "dsn" || name == "uri" || name == "table" || name == "url");
    args.push_back(positional ? stringLiteral(value) : name + " = " + stringLiteral(value));
  }
  return s.kind + "(" + join(args) + ")";
}

std::string triggerText(const ir::Trigger& t) {
  return t.kind == "manual" || t.value.empty() ? t.kind : t.kind + "(" + stringLiteral(t.value) + ")";
}

// Fractions (canary steps, an A/B split) stay fractions, as everywhere in
// this section: the IR does not say whether the spec wrote `10%` or `0.1`.
std::string strategyText(const ir::Strategy& s) {
  std::vector<std::string> props;
  if (!s.steps.empty()) {
    std::vector<std::string> steps;
    for (double step : s.steps) steps.push_back(number(step));
    props.push_back("steps = " + list(steps));
  }
  if (s.intervalSeconds) props.push_back("interval = " + duration(*s.intervalSeconds));
  if (s.split) props.push_back("split = " + number(*s.split));
  if (!s.metric.empty()) props.push_back("metric = " + stringLiteral(s.metric));
  if (s.durationSeconds) props.push_back("duration = " + duration(*s.durationSeconds));
  return props.empty() ? s.kind : s.kind + " { " + join(props, "  ") + " }";
}

// ---- expression trees (docs/ir.md section 6)

const std::string* opOf(const json& t) {
  if (!t.is_object()) return nullptr;
  auto op = t.find("op");
  auto args = t.find("args");
  if (op == t.end() || !op->is_string() || args == t.end() || !args->is_array()) return nullptr;
  return &op->get_ref<const std::string&>();
}

bool isOrdering(const std::string& op) { return op == "<" || op == "<=" || op == ">" || op == ">="; }

// The number a literal node stands for: numbers (percentages as fractions),
// durations in seconds, sizes in bytes. `kind` keeps 5 and 5s apart.
std::optional<double> literalValue(const json& t, std::string* kind = nullptr) {
  if (!t.is_object() || t.size() != 1) return std::nullopt;
  for (const char* key : {"number", "duration_seconds", "size_bytes"})
    if (auto it = t.find(key); it != t.end() && it->is_number()) {
      if (kind) *kind = key;
      return it->get<double>();
    }
  return std::nullopt;
}

// A literal, possibly negated (`-1` is `{"op": "-", "args": [{"number": 1}]}`).
std::optional<double> constantValue(const json& t, std::string* kind = nullptr) {
  if (auto v = literalValue(t, kind)) return v;
  const std::string* op = opOf(t);
  if (op && *op == "-" && t.at("args").size() == 1)
    if (auto v = constantValue(t.at("args")[0], kind)) return -*v;
  return std::nullopt;
}

// A literal of a param or check argument, `{text, value}`: the text as
// written, and the value as a tree.
std::string literalText(const json& literal) {
  auto text = literal.is_object() ? literal.find("text") : literal.end();
  return text != literal.end() && text->is_string() ? text->get<std::string>() : std::string();
}

const json& literalTree(const json& literal) {
  static const json none;
  auto value = literal.is_object() ? literal.find("value") : literal.end();
  return value != literal.end() ? *value : none;
}

// Equal trees: numbers by value (pipeline.json writes whole numbers as
// integers, so a graph read back holds 2 where the compiler held 2.0).
bool sameTree(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !sameTree(*it, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

// Binding strength, as in language.md section 6.1.
int precedence(const json& t) {
  const std::string* op = opOf(t);
  if (!op) return 8;
  size_t arity = t.at("args").size();
  if (*op == "or") return 1;
  if (*op == "and") return 2;
  if (*op == "not") return 3;
  if (*op == "+" || *op == "-") return arity == 1 ? 7 : 5;
  if (*op == "*" || *op == "/") return 6;
  return 4;
}

std::string treeText(const json& t);

std::string wrapped(const json& t, bool parenthesise) { return parenthesise ? "(" + treeText(t) + ")" : treeText(t); }

// A tree as the spec would write it, with the parentheses it needs; literal
// numbers in canonical units (fractions, seconds as `1h`, bytes as `1Gi`).
std::string treeText(const json& t) {
  std::string kind;
  if (auto v = literalValue(t, &kind))
    return kind == "duration_seconds" ? duration(*v) : kind == "size_bytes" ? bytes(*v) : number(*v);
  if (!t.is_object()) return "?";
  if (auto it = t.find("string"); it != t.end() && it->is_string()) return stringLiteral(it->get_ref<const std::string&>());
  if (auto it = t.find("bool"); it != t.end() && it->is_boolean()) return it->get<bool>() ? "true" : "false";
  auto texts = [](const json& items, std::string_view separator) {
    std::vector<std::string> out;
    if (items.is_array())
      for (const json& item : items) out.push_back(item.is_string() ? item.get<std::string>() : treeText(item));
    return join(out, separator);
  };
  if (auto it = t.find("list"); it != t.end()) return "[" + texts(*it, ", ") + "]";
  if (auto it = t.find("path"); it != t.end()) return texts(*it, ".");
  if (auto it = t.find("call"); it != t.end()) return texts(*it, ".") + "(" + texts(t.value("args", json::array()), ", ") + ")";
  const std::string* op = opOf(t);
  if (!op) return "?";
  const json& args = t.at("args");
  int p = precedence(t);
  if (args.size() == 1) return (*op == "not" ? "not " : *op) + wrapped(args[0], precedence(args[0]) < p);
  if (args.size() != 2) return "?";
  // Left-associative, and comparisons do not chain.
  bool left = precedence(args[0]) < p || (p == 4 && precedence(args[0]) == 4);
  return wrapped(args[0], left) + " " + *op + " " + wrapped(args[1], precedence(args[1]) <= p);
}

// Sign of the change from `b` to `a` of a value whose trees differ only in
// literals: +1 up, -1 down, 0 unchanged, nullopt when it cannot be told
// (a literal under a product with a variable, literals pulling both ways,
// any difference in shape).
std::optional<int> valueShift(const json& b, const json& a);

std::optional<int> negated(std::optional<int> s) { return s ? std::optional<int>(-*s) : std::nullopt; }

std::optional<int> combined(std::optional<int> x, std::optional<int> y) {
  if (!x || !y) return std::nullopt;
  if (*x == 0) return y;
  if (*y == 0 || *x == *y) return x;
  return std::nullopt;
}

std::optional<int> scaled(std::optional<int> s, double factor) {
  if (!s) return std::nullopt;
  if (factor == 0) return 0;
  return factor > 0 ? s : negated(s);
}

std::optional<int> valueShift(const json& b, const json& a) {
  if (sameTree(b, a)) return 0;
  std::string kindB, kindA;
  // Constants compare by value, whatever their shape (`0` and `-1`).
  auto vb = constantValue(b, &kindB), va = constantValue(a, &kindA);
  if (vb && va && kindB == kindA) return *va > *vb ? 1 : *va < *vb ? -1 : 0;
  const std::string* op = opOf(b);
  const std::string* opA = opOf(a);
  if (!op || !opA || *op != *opA || b.at("args").size() != a.at("args").size()) return std::nullopt;
  const json& x = b.at("args");
  const json& y = a.at("args");
  if (*op == "-" && x.size() == 1) return negated(valueShift(x[0], y[0]));
  if (x.size() != 2) return std::nullopt;
  if (*op == "+") return combined(valueShift(x[0], y[0]), valueShift(x[1], y[1]));
  if (*op == "-") return combined(valueShift(x[0], y[0]), negated(valueShift(x[1], y[1])));
  // A product or quotient moves with its variable part when the other factor
  // is an unchanged constant (a quotient only by its divisor).
  if (*op == "*" && sameTree(x[0], y[0]))
    if (auto c = constantValue(x[0])) return scaled(valueShift(x[1], y[1]), *c);
  if ((*op == "*" || *op == "/") && sameTree(x[1], y[1]))
    if (auto c = constantValue(x[1])) return scaled(valueShift(x[0], y[0]), *c);
  return std::nullopt;
}

// The bound of a comparison that moved between two expectations.
struct BoundChange {
  std::string subject;        // what is compared against the bound: `metrics.auc`
  std::string before, after;  // the bound
  bool bareLiteral = false;   // the bound is a number on its own
  bool raised = false;
  bool floor = false;         // the subject must stay above the bound
  Direction direction = Direction::None;
};

// Two expectation trees compared for thresholds: when they have the same
// shape and differ only in the bounds of comparisons `X >= N`, `X > N`
// (floors) and `X <= N`, `X < N` (ceilings) — either way round, `N <= X`
// being a floor of X too — each moved bound is a threshold change: a lower
// floor or a higher ceiling lets more through (loosened). A bound may be
// arithmetic (`baseline.auc - 0.01`) as long as its literals move it one
// way. `and` and `or` keep the sense of their operands, `not` reverses it;
// any other difference (an operator, a name, an `==`) is not a threshold.
class ExpectationDiff {
 public:
  ExpectationDiff(const json& before, const json& after) { walk(before, after, 1); }

  bool thresholdsOnly() const { return ok_ && !changes_.empty(); }
  const std::vector<BoundChange>& changes() const { return changes_; }

 private:
  void walk(const json& b, const json& a, int sense) {
    if (!ok_ || sameTree(b, a)) return;
    const std::string* op = opOf(b);
    const std::string* opA = opOf(a);
    if (!op || !opA || *op != *opA || b.at("args").size() != a.at("args").size()) {
      ok_ = false;
      return;
    }
    const json& x = b.at("args");
    const json& y = a.at("args");
    if (*op == "and" || *op == "or") {
      for (size_t i = 0; i < x.size(); ++i) walk(x[i], y[i], sense);
    } else if (*op == "not" && x.size() == 1) {
      walk(x[0], y[0], -sense);
    } else if (isOrdering(*op) && x.size() == 2) {
      comparison(*op, x, y, sense);
    } else {
      ok_ = false;
    }
  }

  void comparison(const std::string& op, const json& x, const json& y, int sense) {
    bool leftSame = sameTree(x[0], y[0]);
    bool rightSame = sameTree(x[1], y[1]);
    if (leftSame == rightSame) {
      ok_ = false;
      return;
    }
    size_t bound = leftSame ? 1 : 0;
    std::optional<int> moved = valueShift(x[bound], y[bound]);
    if (!moved || *moved == 0) {
      ok_ = false;
      return;
    }
    BoundChange c;
    bool greater = op[0] == '>';
    c.floor = bound == 1 ? greater : !greater;
    c.raised = *moved > 0;
    c.subject = oneLine(treeText(x[1 - bound]));
    c.before = oneLine(treeText(x[bound]));
    c.after = oneLine(treeText(y[bound]));
    c.bareLiteral = constantValue(x[bound]).has_value() && constantValue(y[bound]).has_value();
    bool loosened = (c.floor ? !c.raised : c.raised) == (sense > 0);
    c.direction = loosened ? Direction::Loosened : Direction::Tightened;
    changes_.push_back(std::move(c));
  }

  bool ok_ = true;
  std::vector<BoundChange> changes_;
};

std::string tagged(std::string body, Direction d) {
  if (d == Direction::None) return body;
  return body + " (" + auditDirectionName(d) + ")";
}

// Loosened when any part is (the auditor must see it), else tightened when
// any part is.
Direction strongest(const std::vector<Direction>& parts) {
  Direction out = Direction::None;
  for (Direction d : parts) {
    if (d == Direction::Loosened) return d;
    if (d == Direction::Tightened) out = d;
  }
  return out;
}

struct Described {
  std::string body;  // tagged with directions already
  Direction direction = Direction::None;
};

// How an expectation changed; nullopt when its tree did not (a change of
// layout or comments only). An expectation that appears tightens, one that
// disappears loosens (a test without one passes).
std::optional<Described> expectationChange(const ir::Expression& b, const ir::Expression& a) {
  if (b.empty() && a.empty()) return std::nullopt;
  if (b.empty()) return Described{tagged("expectation added: `" + oneLine(a.source) + "`", Direction::Tightened),
                                  Direction::Tightened};
  if (a.empty()) return Described{tagged("expectation removed", Direction::Loosened), Direction::Loosened};
  if (sameTree(b.tree, a.tree)) return std::nullopt;
  ExpectationDiff diff(b.tree, a.tree);
  if (!diff.thresholdsOnly())
    return Described{"expectation changed from `" + oneLine(b.source) + "` to `" + oneLine(a.source) + "`",
                     Direction::None};
  std::vector<std::string> parts;
  std::vector<Direction> directions;
  bool several = diff.changes().size() > 1;
  for (const BoundChange& c : diff.changes()) {
    const char* moved = c.raised ? "raised" : "lowered";
    std::string part =
        c.bareLiteral
            ? "threshold" + (several ? " of `" + c.subject + "`" : std::string()) + " " + moved + " from " + c.before +
                  " to " + c.after
            : std::string(c.floor ? "floor" : "ceiling") + " of `" + c.subject + "` " + moved + " from `" + c.before +
                  "` to `" + c.after + "`";
    parts.push_back(tagged(part, c.direction));
    directions.push_back(c.direction);
  }
  return Described{join(parts), strongest(directions)};
}

// ---- check arguments

bool mentions(const json& t, const std::string& parameter) {
  if (t.is_object()) {
    if (auto path = t.find("path"); path != t.end())
      return path->is_array() && path->size() == 1 && (*path)[0] == parameter;
    for (const auto& item : t.items())
      if (mentions(item.value(), parameter)) return true;
  } else if (t.is_array()) {
    for (const json& item : t)
      if (mentions(item, parameter)) return true;
  }
  return false;
}

// How a side of a comparison moves when `parameter` is raised: +1 up, -1
// down, 0 not at all (not mentioned), nullopt when it cannot be told.
std::optional<int> parameterSign(const json& t, const std::string& parameter) {
  if (!mentions(t, parameter)) return 0;
  if (t.is_object() && t.contains("path")) return 1;
  const std::string* op = opOf(t);
  if (!op) return std::nullopt;
  const json& x = t.at("args");
  if (*op == "-" && x.size() == 1) return negated(parameterSign(x[0], parameter));
  if (x.size() != 2) return std::nullopt;
  if (*op == "+") return combined(parameterSign(x[0], parameter), parameterSign(x[1], parameter));
  if (*op == "-") return combined(parameterSign(x[0], parameter), negated(parameterSign(x[1], parameter)));
  if (*op == "*")
    if (auto c = constantValue(x[0])) return scaled(parameterSign(x[1], parameter), *c);
  if (*op == "*" || *op == "/")
    if (auto c = constantValue(x[1])) return scaled(parameterSign(x[0], parameter), *c);
  return std::nullopt;
}

// What a check parameter does in the check's expectation: each comparison
// it bounds says whether raising it lets more through (+1: a ceiling, as
// `threshold` in `drift.psi(column) < threshold`) or less (-1: a floor).
// `P == N or …` makes N a value that switches the bound off (`max == 0 or
// rows() <= max`).
struct ParameterUse {
  std::set<int> effects;
  bool unknown = false;
  std::optional<double> off;
};

std::optional<double> switchOffValue(const json& t, const std::string& parameter) {
  const std::string* op = opOf(t);
  if (!op || *op != "==" || t.at("args").size() != 2) return std::nullopt;
  const json& x = t.at("args");
  for (size_t i = 0; i < 2; ++i)
    if (x[i].is_object() && x[i].contains("path") && mentions(x[i], parameter))
      if (auto v = constantValue(x[1 - i])) return v;
  return std::nullopt;
}

void parameterUse(const json& t, const std::string& parameter, int sense, ParameterUse& use) {
  if (!mentions(t, parameter)) return;
  const std::string* op = opOf(t);
  if (!op) {
    use.unknown = true;
    return;
  }
  const json& x = t.at("args");
  if (*op == "and" || *op == "or") {
    for (const json& arg : x) {
      if (*op == "or" && sense > 0)
        if (auto off = switchOffValue(arg, parameter)) {
          use.off = off;
          continue;
        }
      parameterUse(arg, parameter, sense, use);
    }
  } else if (*op == "not" && x.size() == 1) {
    parameterUse(x[0], parameter, -sense, use);
  } else if (isOrdering(*op) && x.size() == 2) {
    std::optional<int> left = parameterSign(x[0], parameter), right = parameterSign(x[1], parameter);
    if (!left || !right || (*left && *right)) {
      use.unknown = true;
      return;
    }
    bool greater = (*op)[0] == '>';
    bool floor = *right ? greater : !greater;
    int moves = *right ? *right : *left;
    use.effects.insert((floor ? -moves : moves) * sense);
  } else {
    use.unknown = true;
  }
}

// When the expectation cannot tell (the parameter under `==`, in a call,
// bounding both ways), the name decides: `max`, `max_*`, `*_max` and
// `threshold` are ceilings (std.checks: psi fails when the index reaches
// `threshold`), `min`, `min_*`, `*_min` floors; any other name has no
// direction.
int effectByName(const std::string& name) {
  auto has = [&](std::string_view word) {
    return name == word || name.rfind(std::string(word) + "_", 0) == 0 ||
           (name.size() > word.size() && name.compare(name.size() - word.size() - 1, std::string::npos,
                                                      "_" + std::string(word)) == 0);
  };
  if (name == "threshold" || has("max")) return 1;
  if (has("min")) return -1;
  return 0;
}

Direction argumentDirection(const json& expect, const std::string& parameter, double before, double after) {
  ParameterUse use;
  parameterUse(expect, parameter, 1, use);
  if (use.off && before != after) {
    if (before == *use.off) return Direction::Tightened;  // a bound where there was none
    if (after == *use.off) return Direction::Loosened;
  }
  int effect = !use.unknown && use.effects.size() == 1 ? *use.effects.begin() : effectByName(parameter);
  if (effect == 0 || before == after) return Direction::None;
  return (after > before) == (effect > 0) ? Direction::Loosened : Direction::Tightened;
}

// ---- the comparison

// Which way a rollout strategy moved (the rules at the top of this file).
Direction strategyDirection(const ir::Strategy& b, const ir::Strategy& a) {
  if (b.kind != a.kind) {
    if (a.kind == "rolling") return Direction::Loosened;
    if (b.kind == "rolling") return Direction::Tightened;
    return Direction::None;
  }
  std::vector<Direction> parts;
  auto compare = [&](std::optional<double> was, std::optional<double> now, bool higherLoosens) {
    if (was == now) return;
    if (!was || !now) {
      parts.push_back(!now ? Direction::Loosened : Direction::Tightened);
      return;
    }
    parts.push_back((*now > *was) == higherLoosens ? Direction::Loosened : Direction::Tightened);
  };
  if (a.kind == "canary") {
    auto first = [](const ir::Strategy& s) { return s.steps.empty() ? std::optional<double>() : s.steps.front(); };
    if (first(b) && first(a)) compare(first(b), first(a), true);
    if (b.steps.size() != a.steps.size())
      parts.push_back(a.steps.size() < b.steps.size() ? Direction::Loosened : Direction::Tightened);
    compare(b.intervalSeconds, a.intervalSeconds, false);
  } else if (a.kind == "ab") {
    compare(b.split, a.split, true);
    compare(b.durationSeconds, a.durationSeconds, false);
  }
  return strongest(parts);
}

bool isControl(ir::NodeKind kind) {
  return kind == ir::NodeKind::Test || kind == ir::NodeKind::Gate || kind == ir::NodeKind::Monitor;
}

int riskRank(const std::string& tier) {
  if (tier == "low") return 1;
  if (tier == "medium") return 2;
  if (tier == "high") return 3;
  return 0;
}

template <typename T>
std::map<std::string, const T*> byName(const std::vector<T>& items) {
  std::map<std::string, const T*> out;
  for (const T& item : items) out.emplace(item.name, &item);
  return out;
}

class GraphDiff {
 public:
  GraphDiff(const ir::PipelineGraph& before, const ir::PipelineGraph& after) : before_(before), after_(after) {
    for (const ir::PipelineGraph* g : {&before, &after}) {
      for (const ir::Role& r : g->roles)
        if (!r.stdlib) specRoles_.insert(r.name);
      for (const ir::Node& n : g->nodes)
        for (const ir::Approval& a : n.approvals) approvalRoles_.insert(a.role);
    }
  }

  std::vector<AuditChange> run() {
    begin("project", "project `" + after_.projectName + "`");
    compareProject();
    auto rolesBefore = byName(before_.roles);
    auto kpisBefore = byName(before_.kpis);
    auto pipelinesBefore = byName(before_.pipelines);
    auto rolesAfter = byName(after_.roles);
    auto kpisAfter = byName(after_.kpis);
    auto pipelinesAfter = byName(after_.pipelines);

    for (const ir::Role& r : after_.roles) {
      begin("role:" + r.name, "role `" + roleName(r.name) + "`");
      auto it = rolesBefore.find(r.name);
      if (it == rolesBefore.end()) declared(AuditChange::Kind::Added);
      else compareRole(*it->second, r);
    }
    for (const ir::Kpi& k : after_.kpis) {
      begin("kpi:" + k.name, "kpi `" + k.name + "`");
      auto it = kpisBefore.find(k.name);
      if (it == kpisBefore.end()) declared(AuditChange::Kind::Added);
      else compareKpi(*it->second, k);
    }
    for (const ir::Node& n : after_.nodes) {
      begin(n.id, nodeLabel(n));
      const ir::Node* b = before_.find(n.id);
      if (b) compareNode(*b, n);
      else declared(AuditChange::Kind::Added, isControl(n.kind) ? Direction::Tightened : Direction::None);
    }
    for (const ir::Pipeline& p : after_.pipelines) {
      begin("pipeline:" + p.name, "pipeline `" + p.name + "`");
      auto it = pipelinesBefore.find(p.name);
      if (it == pipelinesBefore.end()) declared(AuditChange::Kind::Added);
      else comparePipeline(*it->second, p);
    }

    for (const ir::Role& r : before_.roles)
      if (!rolesAfter.count(r.name)) {
        begin("role:" + r.name, "role `" + roleName(r.name) + "`");
        declared(AuditChange::Kind::Removed);
      }
    for (const ir::Kpi& k : before_.kpis)
      if (!kpisAfter.count(k.name)) {
        begin("kpi:" + k.name, "kpi `" + k.name + "`");
        declared(AuditChange::Kind::Removed);
      }
    for (const ir::Node& n : before_.nodes)
      if (!after_.find(n.id)) {
        begin(n.id, nodeLabel(n));
        declared(AuditChange::Kind::Removed, isControl(n.kind) ? Direction::Loosened : Direction::None);
      }
    for (const ir::Pipeline& p : before_.pipelines)
      if (!pipelinesAfter.count(p.name)) {
        begin("pipeline:" + p.name, "pipeline `" + p.name + "`");
        declared(AuditChange::Kind::Removed);
      }
    return std::move(out_);
  }

 private:
  // ---- recording

  void begin(std::string declaration, std::string label) {
    declaration_ = std::move(declaration);
    label_ = std::move(label);
  }

  void declared(AuditChange::Kind kind, Direction direction = Direction::None) {
    AuditChange c;
    c.kind = kind;
    c.direction = direction;
    c.declaration = declaration_;
    c.summary = tagged(label_ + (kind == AuditChange::Kind::Added ? " added" : " removed"), direction);
    out_.push_back(std::move(c));
  }

  void record(std::string field, std::string before, std::string after, std::string summary, Direction direction) {
    AuditChange c;
    c.direction = direction;
    c.declaration = declaration_;
    c.field = std::move(field);
    c.before = std::move(before);
    c.after = std::move(after);
    c.summary = std::move(summary);
    out_.push_back(std::move(c));
  }

  // `body` says what changed, after the declaration's label; its direction
  // is appended unless the body tags its parts itself.
  void add(std::string field, std::string before, std::string after, const std::string& body,
           Direction direction = Direction::None, bool tagBody = true) {
    record(std::move(field), std::move(before), std::move(after),
           label_ + ": " + (tagBody ? tagged(body, direction) : body), direction);
  }

  // A short value: "owner changed from `a` to `b`".
  void value(const std::string& field, const std::string& noun, const std::string& before, const std::string& after,
             Direction direction = Direction::None) {
    if (before == after) return;
    std::string body = before.empty() ? noun + " set to `" + oneLine(after) + "`"
                       : after.empty() ? noun + " removed (was `" + oneLine(before) + "`)"
                                       : noun + " changed from `" + oneLine(before) + "` to `" + oneLine(after) + "`";
    add(field, before, after, body, direction);
  }

  // Prose or a command: the summary only says that it changed.
  void text(const std::string& field, const std::string& noun, const std::string& before, const std::string& after) {
    if (before == after) return;
    add(field, before, after, noun + (before.empty() ? " added" : after.empty() ? " removed" : " changed"));
  }

  // A number that bounds what passes (a maximum age, a monitoring interval):
  // `higherLoosens` says which way lets more through; setting it where there
  // was none tightens, removing it loosens.
  void bound(const std::string& field, const std::string& noun, const std::optional<double>& before,
             const std::optional<double>& after, std::string (*render)(double), bool higherLoosens) {
    std::string b = optionalText(before, render), a = optionalText(after, render);
    if ((!before && !after) || (before && after && *before == *after)) return;
    if (!before) return add(field, b, a, noun + " set to " + a, Direction::Tightened);
    if (!after) return add(field, b, a, noun + " removed (was " + b + ")", Direction::Loosened);
    bool raised = *after > *before;
    add(field, b, a, noun + (raised ? " raised" : " lowered") + " from " + b + " to " + a,
        raised == higherLoosens ? Direction::Loosened : Direction::Tightened);
  }

  // A cap: raised or removed loosens, lowered or set tightens.
  void quota(const std::string& field, const std::string& noun, const std::optional<double>& before,
             const std::optional<double>& after, std::string (*render)(double)) {
    bound(field, noun, before, after, render, true);
  }

  // Lists whose order means nothing (members, secrets, required tests):
  // what was added and removed.
  void set(const std::string& field, const std::string& noun, const std::vector<std::string>& before,
           const std::vector<std::string>& after) {
    std::vector<std::string> delta = setDelta(before, after);
    if (!delta.empty()) add(field, list(before), list(after), noun + " changed: " + join(delta));
  }

  static std::vector<std::string> setDelta(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    std::set<std::string> b(before.begin(), before.end()), a(after.begin(), after.end());
    std::vector<std::string> delta;
    for (const std::string& s : after)
      if (!b.count(s)) delta.push_back("+" + s);
    for (const std::string& s : before)
      if (!a.count(s)) delta.push_back("-" + s);
    return delta;
  }

  // Maps by key (outputs, params, env): one change per key, in the order of
  // `after`, removed keys after.
  template <typename V, typename Render, typename Same>
  void keyed(const std::string& prefix, const std::string& noun, const std::vector<std::pair<std::string, V>>& before,
             const std::vector<std::pair<std::string, V>>& after, Render render, Same same) {
    auto find = [](const std::vector<std::pair<std::string, V>>& items, const std::string& key) -> const V* {
      for (const auto& [k, v] : items)
        if (k == key) return &v;
      return nullptr;
    };
    for (const auto& [key, v] : after) {
      const V* b = find(before, key);
      if (b && same(*b, v)) continue;
      std::string was = b ? render(*b) : std::string(), now = render(v);
      std::string subject = noun + " `" + key + "`";
      add(prefix + "." + key, was, now,
          b ? subject + " changed from `" + oneLine(was) + "` to `" + oneLine(now) + "`"
            : subject + " added: `" + oneLine(now) + "`");
    }
    for (const auto& [key, v] : before)
      if (!find(after, key)) add(prefix + "." + key, render(v), "", noun + " `" + key + "` removed");
  }

  // ---- names

  // Stdlib roles by the short name a spec writes after `use std.roles`,
  // unless a spec role of that name makes it ambiguous.
  std::string roleName(const std::string& name) const {
    if (name.rfind("std.", 0) != 0) return name;
    std::string brief = shortName(name);
    return specRoles_.count(brief) ? name : brief;
  }

  std::vector<std::string> roleNames(const std::vector<std::string>& names) const {
    std::vector<std::string> out;
    for (const std::string& n : names) out.push_back(roleName(n));
    return out;
  }

  static std::string nodeLabel(const ir::Node& n) { return std::string(ir::nodeKindName(n.kind)) + " `" + n.name + "`"; }

  // A reference to a node, by name unless only its kind changed.
  void reference(const std::string& field, const std::string& noun, const std::string& before, const std::string& after) {
    if (before == after) return;
    bool sameName = nodeName(before) == nodeName(after);
    value(field, noun, sameName ? before : nodeName(before), sameName ? after : nodeName(after));
  }

  std::string approvalsText(const std::vector<ir::Approval>& approvals) const {
    std::vector<std::string> parts;
    for (const ir::Approval& a : approvals)
      parts.push_back(a.quorum > 1 ? std::to_string(a.quorum) + " of " + roleName(a.role) : roleName(a.role));
    return join(parts);
  }

  // ---- declarations

  void compareProject() {
    value("name", "name", before_.projectName, after_.projectName);
    value("version", "version", before_.version, after_.version);
    if (before_.riskTier != after_.riskTier) {
      int b = riskRank(before_.riskTier), a = riskRank(after_.riskTier);
      Direction d = !b || !a ? Direction::None : a < b ? Direction::Loosened : Direction::Tightened;
      std::string moved = d == Direction::None ? "changed" : a < b ? "lowered" : "raised";
      add("risk_tier", before_.riskTier, after_.riskTier,
          "risk tier " + moved + " from " + before_.riskTier + " to " + after_.riskTier, d);
    }
    compareSigners();
    value("image", "image", before_.image, after_.image);
    text("doc", "doc", before_.projectDoc, after_.projectDoc);
    text("description", "description", before_.projectDescription, after_.projectDescription);
  }

  // The allowed_signers file: its path as written and the digest of its
  // bytes (`path (sha256 0123456789ab…)`).
  void compareSigners() {
    auto textOf = [](const std::optional<ir::SignersRef>& s) {
      if (!s) return std::string();
      return s->sha256.empty() ? s->path : s->path + " (sha256 " + s->sha256.substr(0, 12) + "…)";
    };
    const auto& b = before_.signers;
    const auto& a = after_.signers;
    if (!b && !a) return;
    if (!b) return add("signers", "", textOf(a), "signers set to `" + oneLine(a->path) + "`: approvals must be signed",
                       Direction::Tightened);
    if (!a)
      return add("signers", textOf(b), "",
                 "signers removed (was `" + oneLine(b->path) + "`): approvals are no longer signed", Direction::Loosened);
    if (b->path != a->path)
      return add("signers", textOf(b), textOf(a),
                 "signers file changed from `" + oneLine(b->path) + "` to `" + oneLine(a->path) + "`: who may sign approvals changed");
    if (b->sha256 != a->sha256)
      add("signers", textOf(b), textOf(a), "signers file `" + oneLine(a->path) + "` changed: who may sign approvals changed");
  }

  void compareRole(const ir::Role& b, const ir::Role& a) {
    value("title", "title", b.title, a.title);
    value("base", "base", roleName(b.base), roleName(a.base));
    set("permissions", "permissions", b.permissions, a.permissions);
    // Who may approve a gate is what an auditor reads first: named so.
    std::vector<std::string> delta = setDelta(b.members, a.members);
    if (!delta.empty() && approvalRoles_.count(a.name))
      record("members", list(b.members), list(a.members),
             "approvers of `" + roleName(a.name) + "` changed: " + join(delta), Direction::None);
    else
      set("members", "members", b.members, a.members);
    // A larger quota lets the role's jobs take more; none is no cap.
    quota("quota.cpu", "quota `cpu`", b.quotaCpu, a.quotaCpu, number);
    quota("quota.memory", "quota `memory`", b.quotaMemoryBytes, a.quotaMemoryBytes, bytes);
    quota("quota.gpu", "quota `gpu`", b.quotaGpu, a.quotaGpu, number);
    text("doc", "doc", b.doc, a.doc);
  }

  void compareKpi(const ir::Kpi& b, const ir::Kpi& a) {
    value("owner", "owner", roleName(b.owner), roleName(a.owner));
    value("metric", "metric", b.metric, a.metric);
    std::string was = b.comparison + " " + number(b.target), now = a.comparison + " " + number(a.target);
    if (b.comparison == a.comparison && b.target != a.target && (a.comparison[0] == '>' || a.comparison[0] == '<')) {
      bool raised = a.target > b.target;
      bool floor = a.comparison[0] == '>';
      add("target", was, now,
          std::string("target ") + (raised ? "raised" : "lowered") + " from " + number(b.target) + " to " +
              number(a.target),
          raised != floor ? Direction::Loosened : Direction::Tightened);
    } else {
      value("target", "target", was, now);
    }
    text("doc", "doc", b.doc, a.doc);
    text("description", "description", b.description, a.description);
  }

  void comparePipeline(const ir::Pipeline& b, const ir::Pipeline& a) {
    value("owner", "owner", roleName(b.owner), roleName(a.owner));
    text("doc", "doc", b.doc, a.doc);
    auto triggers = [](const std::vector<ir::Trigger>& ts) {
      std::vector<std::string> out;
      for (const ir::Trigger& t : ts) out.push_back(triggerText(t));
      return out;
    };
    set("on", "triggers", triggers(b.triggers), triggers(a.triggers));
    set("targets", "targets", nodeNames(b.targets), nodeNames(a.targets));
  }

  void compareNode(const ir::Node& b, const ir::Node& a) {
    value("owner", "owner", roleName(b.owner), roleName(a.owner));
    text("doc", "doc", b.doc, a.doc);
    text("description", "description", b.description, a.description);
    switch (a.kind) {
      case ir::NodeKind::Data: return compareData(b, a);
      case ir::NodeKind::Step:
      case ir::NodeKind::Model: return compareJob(b, a);
      case ir::NodeKind::Test: return compareTest(b, a);
      case ir::NodeKind::Gate: return compareGate(b, a);
      case ir::NodeKind::Deploy: return compareDeploy(b, a);
      case ir::NodeKind::Monitor: return compareMonitor(b, a);
    }
  }

  static std::string columnText(const ir::Column& c) {
    return c.name + ": " + c.type + (c.where.empty() ? std::string() : " where " + oneLine(c.where.source));
  }

  void compareData(const ir::Node& b, const ir::Node& a) {
    value("source", "source", sourceText(b.source), sourceText(a.source));
    value("format", "format", b.format, a.format);
    // A longer maximum age lets staler data through.
    bound("freshness", "freshness", b.freshnessSeconds, a.freshnessSeconds, duration, true);
    set("pii", "pii", b.pii, a.pii);
    auto find = [](const std::vector<ir::Column>& columns, const std::string& name) -> const ir::Column* {
      for (const ir::Column& c : columns)
        if (c.name == name) return &c;
      return nullptr;
    };
    // One change per column; a `where` that appears (with its column or
    // alone) tightens the schema, one that disappears loosens it.
    for (const ir::Column& c : a.schema) {
      const ir::Column* was = find(b.schema, c.name);
      std::string subject = "column `" + c.name + "`";
      if (!was) {
        add("schema." + c.name, "", columnText(c), subject + " added",
            c.where.empty() ? Direction::None : Direction::Tightened);
        continue;
      }
      if (was->type != c.type) {
        add("schema." + c.name, columnText(*was), columnText(c),
            subject + " changed from `" + columnText(*was) + "` to `" + columnText(c) + "`");
        continue;
      }
      if (std::optional<Described> d = expectationChange(was->where, c.where))
        add("schema." + c.name, columnText(*was), columnText(c), subject + ": " + d->body, d->direction, false);
    }
    for (const ir::Column& c : b.schema)
      if (!find(a.schema, c.name))
        add("schema." + c.name, columnText(c), "", "column `" + c.name + "` removed",
            c.where.empty() ? Direction::None : Direction::Loosened);
  }

  void compareRunnable(const ir::Node& b, const ir::Node& a) {
    text("run", "run", b.run, a.run);
    auto resource = [&](const char* key, const std::optional<double>& was, const std::optional<double>& now,
                        std::string (*render)(double)) {
      value(std::string("resources.") + key, std::string("resource `") + key + "`", optionalText(was, render),
            optionalText(now, render));
    };
    resource("cpu", b.resources.cpu, a.resources.cpu, number);
    resource("memory", b.resources.memoryBytes, a.resources.memoryBytes, bytes);
    resource("gpu", b.resources.gpu, a.resources.gpu, number);
    resource("timeout", b.resources.timeoutSeconds, a.resources.timeoutSeconds, duration);
    resource("retries", b.resources.retries, a.resources.retries, number);
    {
      // One more credential in a job widens what it can reach.
      std::set<std::string> was(b.secrets.begin(), b.secrets.end()), now(a.secrets.begin(), a.secrets.end());
      std::vector<std::string> parts;
      std::vector<Direction> directions;
      for (const std::string& s : a.secrets)
        if (!was.count(s)) {
          parts.push_back(tagged("+" + s, Direction::Loosened));
          directions.push_back(Direction::Loosened);
        }
      for (const std::string& s : b.secrets)
        if (!now.count(s)) {
          parts.push_back(tagged("-" + s, Direction::Tightened));
          directions.push_back(Direction::Tightened);
        }
      if (!parts.empty())
        add("secrets", list(b.secrets), list(a.secrets), "secrets changed: " + join(parts), strongest(directions), false);
    }
    // A node without its own image runs the project's: a new project image
    // is reported once, on the project.
    if (!(b.image == before_.image && a.image == after_.image)) value("image", "image", b.image, a.image);
    keyed("env", "env", b.env, a.env, [](const std::string& s) { return s; },
          [](const std::string& x, const std::string& y) { return x == y; });
  }

  void compareJob(const ir::Node& b, const ir::Node& a) {
    auto inputs = [](const ir::Node& n) {
      std::vector<std::string> out;
      for (const ir::Input& i : n.inputs) out.push_back(i.as);
      return out;
    };
    set("inputs", "inputs", inputs(b), inputs(a));
    set("after", "after", nodeNames(b.orderAfter), nodeNames(a.orderAfter));
    set("effects", "effects", b.effects, a.effects);
    keyed("outputs", "output", b.outputs, a.outputs, [](const std::string& s) { return s; },
          [](const std::string& x, const std::string& y) { return x == y; });
    std::vector<std::pair<std::string, json>> paramsBefore, paramsAfter;
    for (const ir::Param& p : b.params) paramsBefore.emplace_back(p.name, p.value);
    for (const ir::Param& p : a.params) paramsAfter.emplace_back(p.name, p.value);
    keyed("params", "param", paramsBefore, paramsAfter, literalText,
          [](const json& x, const json& y) { return sameTree(literalTree(x), literalTree(y)); });
    compareRunnable(b, a);
    if (a.kind != ir::NodeKind::Model) return;
    value("framework", "framework", b.framework, a.framework);
    value("kpi", "kpi", b.kpi, a.kpi);
    value("metrics", "metrics output", b.metricsOutput, a.metricsOutput);
  }

  void compareTest(const ir::Node& b, const ir::Node& a) {
    reference("target", "target", b.target, a.target);
    if (b.severity != a.severity) {
      Direction d = a.severity == "warning" && b.severity == "blocking"   ? Direction::Loosened
                    : a.severity == "blocking" && b.severity == "warning" ? Direction::Tightened
                                                                          : Direction::None;
      add("severity", b.severity, a.severity, "severity changed from " + b.severity + " to " + a.severity, d);
    }
    if (std::optional<Described> d = expectationChange(b.expect, a.expect))
      add("expect", b.expect.source, a.expect.source, d->body, d->direction, false);
    compareUses(b, a);
  }

  void compareUses(const ir::Node& b, const ir::Node& a) {
    const std::string check = shortName(a.uses.check);
    value("uses", "check", shortName(b.uses.check), check);
    bool sameCheck = b.uses.check == a.uses.check;
    auto find = [](const ir::CheckUse& u, const std::string& name) -> const json* {
      for (const auto& [k, v] : u.arguments)
        if (k == name) return &v;
      return nullptr;
    };
    for (const auto& [name, literal] : a.uses.arguments) {
      const json* was = find(b.uses, name);
      std::string field = "uses." + name, subject = "argument `" + name + "` of `" + check + "`";
      if (!was) {
        add(field, "", literalText(literal), subject + " set to `" + oneLine(literalText(literal)) + "`");
        continue;
      }
      const json& before = literalTree(*was);
      const json& after = literalTree(literal);
      if (sameTree(before, after)) continue;
      std::string kindX, kindY;
      std::optional<double> x = constantValue(before, &kindX), y = constantValue(after, &kindY);
      if (sameCheck && x && y && kindX == kindY) {
        Direction d = argumentDirection(a.expect.tree, name, *x, *y);
        add(field, literalText(*was), literalText(literal),
            subject + (*y > *x ? " raised" : " lowered") + " from " + treeText(before) + " to " + treeText(after), d);
      } else {
        add(field, literalText(*was), literalText(literal),
            subject + " changed from `" + oneLine(literalText(*was)) + "` to `" + oneLine(literalText(literal)) + "`");
      }
    }
    for (const auto& [name, literal] : b.uses.arguments)
      if (!find(a.uses, name))
        add("uses." + name, literalText(literal), "", "argument `" + name + "` of `" + shortName(b.uses.check) + "` removed");
  }

  void compareGate(const ir::Node& b, const ir::Node& a) {
    reference("model", "model", b.model, a.model);
    {
      std::set<std::string> was(b.require.begin(), b.require.end()), now(a.require.begin(), a.require.end());
      std::vector<std::string> parts;
      std::vector<Direction> directions;
      for (const std::string& id : a.require)
        if (!was.count(id)) {
          parts.push_back(tagged("test `" + nodeName(id) + "` now required", Direction::Tightened));
          directions.push_back(Direction::Tightened);
        }
      for (const std::string& id : b.require)
        if (!now.count(id)) {
          parts.push_back(tagged("test `" + nodeName(id) + "` no longer required", Direction::Loosened));
          directions.push_back(Direction::Loosened);
        }
      if (!parts.empty())
        add("require", list(nodeNames(b.require)), list(nodeNames(a.require)), join(parts), strongest(directions), false);
    }
    compareApprovals(b, a);
    value("environment", "environment", b.environment, a.environment);
  }

  // Approvals are a conjunction of quorums: compared per role, whatever
  // the order.
  void compareApprovals(const ir::Node& b, const ir::Node& a) {
    auto quorumOf = [](const std::vector<ir::Approval>& approvals, const std::string& role) -> std::optional<unsigned> {
      for (const ir::Approval& x : approvals)
        if (x.role == role) return x.quorum;
      return std::nullopt;
    };
    std::vector<std::string> parts;
    std::vector<Direction> directions;
    auto part = [&](const std::string& text, Direction d) {
      parts.push_back(tagged(text, d));
      directions.push_back(d);
    };
    for (const ir::Approval& x : a.approvals) {
      std::string role = "`" + roleName(x.role) + "`";
      std::optional<unsigned> was = quorumOf(b.approvals, x.role);
      if (!was)
        part("approval by " + role + " added, quorum " + std::to_string(x.quorum), Direction::Tightened);
      else if (*was != x.quorum)
        part("quorum of " + role + (x.quorum < *was ? " lowered" : " raised") + " from " + std::to_string(*was) +
                 " to " + std::to_string(x.quorum),
             x.quorum < *was ? Direction::Loosened : Direction::Tightened);
    }
    for (const ir::Approval& x : b.approvals)
      if (!quorumOf(a.approvals, x.role))
        part("approval by `" + roleName(x.role) + "` dropped, was quorum " + std::to_string(x.quorum),
             Direction::Loosened);
    if (!parts.empty())
      add("approvals", approvalsText(b.approvals), approvalsText(a.approvals), join(parts), strongest(directions), false);
  }

  void compareDeploy(const ir::Node& b, const ir::Node& a) {
    compareRunnable(b, a);
    reference("model", "model", b.model, a.model);
    reference("after", "gate", b.after, a.after);
    value("target", "target", b.deployTarget, a.deployTarget);
    value("strategy", "strategy", strategyText(b.strategy), strategyText(a.strategy),
          strategyDirection(b.strategy, a.strategy));
    text("rollback", "rollback", b.rollback, a.rollback);
  }

  void compareMonitor(const ir::Node& b, const ir::Node& a) {
    reference("deploy", "deploy", b.deploy, a.deploy);
    value("source", "source", sourceText(b.source), sourceText(a.source));
    if (std::optional<Described> d = expectationChange(b.expect, a.expect))
      add("expect", b.expect.source, a.expect.source, d->body, d->direction, false);
    // Checked less often, a failure goes unseen longer.
    bound("every", "interval", b.everySeconds, a.everySeconds, duration, true);
    set("alert", "alert", roleNames(b.alert), roleNames(a.alert));
  }

  const ir::PipelineGraph& before_;
  const ir::PipelineGraph& after_;
  std::set<std::string> specRoles_;      // non-stdlib role names of either graph
  std::set<std::string> approvalRoles_;  // roles in a gate's approvals of either graph
  std::vector<AuditChange> out_;
  std::string declaration_, label_;      // of the declaration being compared
};

}  // namespace

std::vector<AuditChange> diffGraphs(const ir::PipelineGraph& before, const ir::PipelineGraph& after) {
  return GraphDiff(before, after).run();
}

const char* auditChangeKindName(AuditChange::Kind kind) {
  switch (kind) {
    case AuditChange::Kind::Added: return "added";
    case AuditChange::Kind::Removed: return "removed";
    case AuditChange::Kind::Changed: return "changed";
  }
  return "changed";
}

const char* auditDirectionName(AuditChange::Direction direction) {
  switch (direction) {
    case AuditChange::Direction::None: return "";
    case AuditChange::Direction::Loosened: return "loosened";
    case AuditChange::Direction::Tightened: return "tightened";
  }
  return "";
}

}  // namespace mlops::emit
