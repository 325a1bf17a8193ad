// Pass `policy`: who may do what (E0501), separation of duties between a
// gate's approvers and its model's owners (E0502), the review the risk tier
// demands (E0503), a blocking test before every deploy (E0504), resources
// within the owner's quota (E0505), no credentials in literals (E0506) and
// approval roles that can reach their quorum (E0507), member addresses that
// are valid (E0303) and that no two look like one person (E0508), a signing
// key for every approver when the project names `signers` (E0509), and
// signed approvals in high risk projects (E0510).
// Computes RoleFacts.
#include "sema/member_address.h"
#include "sema/pass.h"
#include "sema/value_description.h"

#include <llvm/Support/Format.h>
#include <llvm/Support/Regex.h>

#include <algorithm>
#include <ctime>
#include <set>

namespace mlops::sema {
namespace {

using namespace ast;

class PolicyPass : public Pass {
 public:
  llvm::StringRef name() const override { return "policy"; }

  void run(Program& program) override {
    program_ = &program;
    computeRoles();
    checkMembers();
    checkPermissions();
    checkGates();
    checkSigning();
    checkQuotas();
    checkCredentials();
  }

 private:
  bool isUser(const Symbol* s) const { return !(s->module && s->module->stdlib); }

  // A role's own `can` list.
  static uint8_t ownPermissions(const Symbol* role) {
    uint8_t bits = 0;
    if (auto* can = llvm::dyn_cast_or_null<ListExpr>(Program::property(role->decl, "can")))
      for (const Expr* item : can->items)
        if (auto* p = llvm::dyn_cast<PathExpr>(item); p && p->segments.size() == 1)
          bits |= permissionFromName(p->segments[0].text);
    return bits;
  }

  struct Inherited {
    uint8_t bits = 0;
    bool known = true;
  };

  // Permissions along `role x : base`, memoised so a long chain of bases
  // costs O(chain) in total. A cycle of bases is E0401 (reported once) and
  // leaves the permissions of every role on or above it unknown, like an
  // unresolved base: no E0501 avalanche.
  Inherited permissionsOf(const Symbol* role) {
    std::vector<const Symbol*> chain;
    llvm::DenseMap<const Symbol*, size_t> position;
    Inherited tail;
    for (const Symbol* r = role; r;) {
      if (auto it = memo_.find(r); it != memo_.end()) {
        tail = it->second;
        break;
      }
      if (auto at = position.find(r); at != position.end()) {
        reportRoleCycle(std::vector<const Symbol*>(chain.begin() + at->second, chain.end()));
        tail.known = false;
        break;
      }
      position[r] = chain.size();
      chain.push_back(r);
      auto* decl = llvm::cast<RoleDecl>(r->decl);
      const Symbol* base = decl->base ? program_->resolved(decl->base) : nullptr;
      if (decl->base && (!base || base->kind != SymbolKind::Role)) {
        tail.known = false;
        break;
      }
      r = base;
    }
    for (size_t i = chain.size(); i-- > 0;) {
      tail.bits |= ownPermissions(chain[i]);
      memo_[chain[i]] = tail;
    }
    return tail;
  }

  void computeRoles() {
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Role) continue;
      RoleFacts facts;
      Inherited inherited = permissionsOf(s.get());
      facts.permissions = inherited.bits;
      facts.permissionsKnown = inherited.known;
      if (auto* members = llvm::dyn_cast_or_null<ListExpr>(Program::property(s->decl, "members")))
        for (const Expr* item : members->items)
          if (auto* str = llvm::dyn_cast<StringExpr>(item)) facts.members.emplace_back(str->value.str(), item->range);
      if (auto* quota = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(s->decl, "quota"))) {
        facts.hasQuota = true;
        facts.quotaRange = quota->range;
        for (const Member* m : quota->body->members) {
          auto* p = llvm::dyn_cast<PropertyMember>(m);
          if (!p) continue;
          double v = amount(p->value);
          if (m->name.text == "cpu") facts.quotaCpu = v;
          else if (m->name.text == "memory") facts.quotaMemory = v;
          else if (m->name.text == "gpu") facts.quotaGpu = v;
        }
      }
      program_->roles[s.get()] = std::move(facts);
    }
  }

  // Every member of a user role is a valid address (E0303); no two members
  // are one person spelled two ways (E0508): listed twice in one role, or
  // alike (`carol` / `caro1`, `carol+ops`) in any two roles. Linear: one
  // map from skeleton to the first address that had it.
  void checkMembers() {
    struct Seen {
      std::string identity;
      const Symbol* role;
      const StringExpr* literal;
    };
    llvm::StringMap<Seen> bySkeleton;
    auto& diags = program_->diags();
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Role || !isUser(s.get())) continue;
      auto* members = llvm::dyn_cast_or_null<ListExpr>(Program::property(s->decl, "members"));
      if (!members) continue;
      for (const Expr* item : members->items) {
        auto* str = llvm::dyn_cast<StringExpr>(item);
        if (!str) continue;
        if (std::optional<AddressProblem> problem = checkMemberAddress(str->value)) {
          diags.report(spanOf(str, *problem), diag::kinds::InvalidValue, "members",
                       "`" + printableAddress(str->value) + "`: " + problem->why)
              .note("a member is one person's e-mail address, as in `carol@bank.example`");
          continue;
        }
        std::string identity = normalizedAddress(str->value);
        auto [it, inserted] = bySkeleton.try_emplace(addressSkeleton(str->value), Seen{identity, s.get(), str});
        if (inserted) continue;
        const Seen& first = it->second;
        if (first.identity == identity && first.role != s.get()) continue;  // one person in two roles
        if (first.identity == identity) {
          diags.report(str->range, diag::kinds::DuplicateMember, str->value, s->name)
              .note(first.literal->range, "first listed here")
              .note("addresses are compared lowercased: list each person once");
          continue;
        }
        bool tagged = llvm::StringRef(identity).take_until([](char c) { return c == '@'; }).contains('+') ||
                      llvm::StringRef(first.identity).take_until([](char c) { return c == '@'; }).contains('+');
        diags.report(str->range, diag::kinds::LookAlikeMembers, str->value, s->name, first.literal->value,
                     first.role->name,
                     tagged ? "a `+tag` reaches the same mailbox"
                            : "they differ only in characters that look alike (`1`, `I`, `l`; `0`, `o`; `rn`, `m`)")
            .note(first.literal->range, "`" + first.literal->value.str() + "` is listed here")
            .note("one person must not count as two: write each person's address the same way everywhere, and "
                  "give different people addresses that cannot be mistaken for each other");
      }
    }
  }

  // The bytes of `problem` inside the literal; the whole literal when an
  // escape makes the written text differ from the value.
  static llvm::SMRange spanOf(const StringExpr* str, const AddressProblem& problem) {
    const char* begin = str->range.Start.getPointer();
    const char* end = str->range.End.getPointer();
    if (problem.length == 0 || str->raw || !begin || !end || end - begin < 2) return str->range;
    llvm::StringRef written(begin + 1, static_cast<size_t>(end - begin - 2));
    if (written != str->value) return str->range;
    return llvm::SMRange(llvm::SMLoc::getFromPointer(begin + 1 + problem.offset),
                         llvm::SMLoc::getFromPointer(begin + 1 + problem.offset + problem.length));
  }

  void reportRoleCycle(std::vector<const Symbol*> chain) {
    // Start at the role declared first, whichever role the walk began at.
    auto earliest = std::min_element(chain.begin(), chain.end(), [](const Symbol* a, const Symbol* b) {
      return std::less<const char*>()(a->decl->name.range.Start.getPointer(), b->decl->name.range.Start.getPointer());
    });
    std::rotate(chain.begin(), earliest, chain.end());
    const Symbol* first = chain.front();
    std::string text;
    for (const Symbol* r : chain) text += "`" + r->name.str() + "` -> ";
    text += "`" + first->name.str() + "`";
    auto d = program_->diags().report(llvm::cast<RoleDecl>(chain.back()->decl)->base->range,
                                      diag::kinds::DependencyCycle, text);
    for (const Symbol* r : chain)
      d.note(llvm::cast<RoleDecl>(r->decl)->base->range,
             "role `" + r->name.str() + "` inherits from `" +
                 dottedPath(llvm::cast<RoleDecl>(r->decl)->base) + "` here");
  }

  static double amount(const Expr* e) {
    if (auto* n = llvm::dyn_cast_or_null<NumberExpr>(e)) return n->value;
    if (auto* u = llvm::dyn_cast_or_null<UnitExpr>(e)) return u->canonical;
    return -1;
  }

  const RoleFacts* facts(const Symbol* role) const {
    auto it = program_->roles.find(role);
    return it == program_->roles.end() ? nullptr : &it->second;
  }

  void requirePermission(const Symbol* s, Permission needed, llvm::SMRange at) {
    Symbol* owner = program_->ownerOf(s);
    if (!owner || owner->kind != SymbolKind::Role) return;
    const RoleFacts* f = facts(owner);
    if (!f || !f->permissionsKnown || (f->permissions & needed)) return;
    auto d = program_->diags().report(at, diag::kinds::MissingPermission, kindName(s->kind), s->name, owner->name,
                                      permissionName(needed));
    d.note(owner->decl->name.range, "role `" + owner->name.str() + "` is declared here");
    std::string holders;
    for (const auto& other : program_->symbols)
      if (other->kind == SymbolKind::Role && !isUser(other.get()))
        if (const RoleFacts* of = facts(other.get()); of && (of->permissions & needed))
          holders += (holders.empty() ? "" : ", ") + other->name.str();
    if (!holders.empty())
      d.note("stdlib roles with `" + permissionName(needed).str() + "`: " + holders +
             " (declare `role " + owner->name.str() + " : BASE`)");
  }

  void checkPermissions() {
    for (const auto& s : program_->symbols) {
      if (!isUser(s.get())) continue;
      const Decl* d = s->decl;
      llvm::SMRange at = d->name.range;
      if (const Expr* owner = Program::property(d, "owner")) at = owner->range;
      switch (s->kind) {
        case SymbolKind::Data: case SymbolKind::Step: requirePermission(s.get(), OwnData, at); break;
        case SymbolKind::Model: requirePermission(s.get(), OwnModel, at); break;
        case SymbolKind::Test: {
          Symbol* target = program_->targetOf(s.get());
          if (target) requirePermission(s.get(), target->kind == SymbolKind::Model ? OwnModel : OwnData, at);
          break;
        }
        case SymbolKind::Deploy: case SymbolKind::Monitor: case SymbolKind::Pipeline:
          requirePermission(s.get(), OwnDeploy, at);
          break;
        case SymbolKind::Kpi: requirePermission(s.get(), DefineKpi, at); break;
        default: break;
      }
    }
  }

  struct Approval {
    Symbol* role;
    unsigned quorum;
    const Expr* site;
  };

  std::vector<Approval> approvalsOf(const Decl* gate) const {
    std::vector<Approval> out;
    auto* list = llvm::dyn_cast_or_null<ListExpr>(Program::property(gate, "approvals"));
    if (!list) return out;
    for (const Expr* item : list->items) {
      if (auto* q = llvm::dyn_cast<QuorumExpr>(item)) {
        if (Symbol* r = program_->resolved(q->role)) out.push_back({r, static_cast<unsigned>(q->count->value), item});
      } else if (Symbol* r = program_->resolved(item)) {
        out.push_back({r, 1, item});
      }
    }
    return out;
  }

  // E0510: a high risk project whose gates take approvals names no signers.
  // E0509: with a usable signers file, every member of a gate's approval
  // roles has a key allowed for namespace `mlops-approval` (once per member
  // and gate). An expired key is the runtime's refusal, not this one's.
  void checkSigning() {
    std::vector<const Symbol*> gates = program_->gatesTakingApprovals();
    if (gates.empty() || !program_->project) return;
    if (!program_->signers) {
      if (riskTier() != "high") return;  // W0607 (pass `warnings`) for the other tiers
      auto d = program_->diags().report(program_->project->name.range, diag::kinds::HighRiskUnsigned,
                                        program_->project->name.text);
      Program::noteGatesTakingApprovals(d, gates);
      d.note("add `signers = file(\"allowed_signers\")` to project `" + program_->project->name.text.str() +
             "`: the repository's OpenSSH allowed_signers file (docs/language.md 5.1)");
      return;
    }
    const SignersFacts& signers = *program_->signers;
    if (!signers.complete) return;  // E0307 said what is wrong with it
    for (const Symbol* gate : gates) {
      std::set<std::string> reported;
      for (const Approval& a : approvalsOf(gate->decl)) {
        const RoleFacts* f = a.role->kind == SymbolKind::Role ? facts(a.role) : nullptr;
        if (!f) continue;
        for (const auto& [address, range] : f->members) {
          const std::string person = normalizedAddress(address);
          if (checkMemberAddress(address) || !reported.insert(person).second) continue;
          std::vector<const support::SignerLine*> keys = signers.file.keysOf(person);
          if (std::any_of(keys.begin(), keys.end(), [](const auto* l) { return l->allows("mlops-approval"); }))
            continue;
          auto d = program_->diags().report(range, diag::kinds::ApproverWithoutKey, address, gate->name,
                                            a.role->name, signers.path);
          if (keys.empty()) {
            d.note("add `" + person + " namespaces=\"mlops-approval\",valid-after=\"" +
                   support::formatSignersTime(today()) + "\" ssh-ed25519 AAAA...` to `" + signers.path +
                   "` (the public key: `ssh-keygen -y -f KEY`), or take them out of role `" + a.role->name.str() +
                   "`");
            continue;
          }
          for (const support::SignerLine* l : keys)
            d.note(program_->sources().FindLocForLineAndColumn(signers.bufferId, l->line, 1),
                   "the key of `" + person + "` here is limited to namespaces `" + joined(l->namespaces) +
                       "`: add `mlops-approval` to its `namespaces`");
        }
      }
    }
  }

  static int64_t today() {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    return now - now % 86400;
  }

  static std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
  }

  llvm::StringRef riskTier() const {
    auto* p = llvm::dyn_cast_or_null<PathExpr>(Program::property(program_->project, "risk_tier"));
    return p && p->segments.size() == 1 ? p->segments[0].text : llvm::StringRef();
  }

  void checkGates() {
    auto& diags = program_->diags();
    llvm::StringRef tier = riskTier();
    llvm::DenseMap<const Symbol*, std::vector<const Symbol*>> gatesOf;  // model -> gates
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Gate || !isUser(s.get())) continue;
      const Decl* gate = s->decl;
      Symbol* model = program_->targetOf(s.get());
      if (model) gatesOf[model].push_back(s.get());
      Symbol* modelOwner = model ? program_->ownerOf(model) : nullptr;
      const RoleFacts* ownerFacts = modelOwner ? facts(modelOwner) : nullptr;
      bool audited = false;
      for (const Approval& a : approvalsOf(gate)) {
        if (a.role->kind != SymbolKind::Role) continue;
        const RoleFacts* f = facts(a.role);
        if (!f) continue;
        if (f->permissionsKnown && !(f->permissions & Approve))
          diags.report(a.site->range, diag::kinds::ApproverLacksPermission, a.role->name, s->name)
              .note(a.role->decl->name.range, "role `" + a.role->name.str() + "` is declared here")
              .note("approvers need a role with `approve`: sme, model_risk_manager or ml_architect");
        if (f->permissions & Audit) audited = true;
        std::set<std::string> people;  // e-mail addresses are case-insensitive
        for (const auto& m : f->members) people.insert(llvm::StringRef(m.first).lower());
        if (f->members.empty()) {
          diags.report(a.site->range, diag::kinds::ApprovalRoleEmpty, a.role->name, s->name)
              .note(a.role->decl->name.range, "add `members = [...]` to role `" + a.role->name.str() + "`");
        } else if (people.size() < a.quorum) {
          diags.report(a.site->range, diag::kinds::QuorumUnreachable, a.role->name,
                       static_cast<uint64_t>(people.size()), static_cast<uint64_t>(a.quorum), s->name)
              .note(a.role->decl->name.range, "role `" + a.role->name.str() + "` is declared here");
        }
        if (ownerFacts && model)
          for (const auto& member : f->members)
            for (const auto& owner : ownerFacts->members)
              if (llvm::StringRef(member.first).equals_insensitive(owner.first)) {
                diags.report(a.site->range, diag::kinds::SeparationOfDuties, member.first, s->name, a.role->name,
                             modelOwner->name, model->name)
                    .note(member.second, "`" + member.first + "` is a member of approval role `" +
                                             a.role->name.str() + "` here")
                    .note(owner.second, "and of `" + modelOwner->name.str() + "`, which owns model `" +
                                            model->name.str() + "`, here")
                    .note("the four-eyes principle: nobody approves their own model");
              }
      }
      bool unknown = false;
      for (const Approval& a : approvalsOf(gate))
        if (const RoleFacts* f = a.role->kind == SymbolKind::Role ? facts(a.role) : nullptr; f && !f->permissionsKnown)
          unknown = true;
      if (tier == "high" && !audited && !unknown) {
        auto d = diags.report(gate->name.range, diag::kinds::HighRiskNeedsAudit, s->name);
        auto* approvals = llvm::dyn_cast_or_null<ListExpr>(Program::property(gate, "approvals"));
        if (approvals && approvals->items.empty())
          d.note(approvals->range, "`approvals = []` promotes on tests alone, which only low and medium risk "
                                   "projects allow");
        d.note("add an approval role based on `model_risk_manager`, e.g. `approvals = [validators]`");
      }
    }
    // Deployed models: a gate in medium/high tiers, and a blocking test.
    std::set<const Symbol*> gatesReported;
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Deploy || !isUser(s.get())) continue;
      Symbol* model = program_->resolved(Program::property(s->decl, "model"));
      if (!model || model->kind != SymbolKind::Model) continue;
      Symbol* gate = program_->resolved(Program::property(s->decl, "after"));
      if ((tier == "medium" || tier == "high") && !gatesOf.count(model))
        diags.report(Program::property(s->decl, "model")->range, diag::kinds::MediumRiskNeedsGate, model->name, tier)
            .note(model->decl->name.range, "add `gate NAME for " + model->name.str() + " { ... }`");
      if (!gate || gate->kind != SymbolKind::Gate || program_->targetOf(gate) != model) continue;
      bool blocking = false;
      auto* required = llvm::dyn_cast_or_null<ListExpr>(Program::property(gate->decl, "require"));
      if (!required || !gatesReported.insert(gate).second) continue;  // E0302/E0303 said it
      if (auto* req = required)
        for (const Expr* item : req->items) {
          Symbol* test = program_->resolved(item);
          if (!test || test->kind != SymbolKind::Test) continue;
          auto* sev = llvm::dyn_cast_or_null<PathExpr>(Program::property(test->decl, "severity"));
          if (!sev || sev->segments[0].text == "blocking") blocking = true;
        }
      if (!blocking)
        diags.report(gate->decl->name.range, diag::kinds::NoBlockingTest, gate->name, model->name)
            .note(s->decl->name.range, "deploy `" + s->name.str() + "` ships it")
            .note("require at least one test with `severity = blocking` (the default)");
    }
  }

  void checkQuotas() {
    for (const auto& s : program_->symbols) {
      if ((s->kind != SymbolKind::Step && s->kind != SymbolKind::Model) || !isUser(s.get())) continue;
      auto* res = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(s->decl, "resources"));
      if (!res) continue;
      Symbol* owner = program_->ownerOf(s.get());
      const RoleFacts* f = owner ? facts(owner) : nullptr;
      if (!f || !f->hasQuota) continue;
      for (const Member* m : res->body->members) {
        auto* p = llvm::dyn_cast<PropertyMember>(m);
        if (!p) continue;
        double limit = m->name.text == "cpu" ? f->quotaCpu : m->name.text == "memory" ? f->quotaMemory
                     : m->name.text == "gpu" ? f->quotaGpu : -1;
        double asked = amount(p->value);
        if (limit < 0 || asked <= limit) continue;
        const Member* q = nullptr;
        for (const Member* qm : llvm::cast<NestedBlockMember>(Program::member(owner->decl, "quota"))->body->members)
          if (qm->name.text == m->name.text) q = qm;
        auto spelled = [](const Expr* e) -> std::string {
          if (auto* n = llvm::dyn_cast_or_null<NumberExpr>(e)) return n->spelling.str();
          if (auto* u = llvm::dyn_cast_or_null<UnitExpr>(e)) return u->spelling.str();
          return "?";
        };
        std::string limitText = q ? spelled(llvm::cast<PropertyMember>(q)->value) : "?";
        program_->diags().report(p->value->range, diag::kinds::QuotaExceeded, kindName(s->kind), s->name,
                                 m->name.text, spelled(p->value), owner->name, limitText)
            .note(q ? q->range : f->quotaRange, "the quota is set here");
      }
    }
  }

  void checkCredentials() {
    for (const auto& module : program_->modules) {
      if (module->stdlib || !module->file) continue;
      for (const Decl* d : module->file->decls) {
        scanning_ = d;
        if (auto* i = llvm::dyn_cast<ImportDecl>(d)) { scan(i->path); continue; }
        if (d->body) scanBlock(d->body);
      }
    }
  }

  void scanBlock(const Block* b) {
    for (const Member* m : b->members) {
      if (auto* p = llvm::dyn_cast<PropertyMember>(m)) scan(p->value);
      else if (auto* n = llvm::dyn_cast<NestedBlockMember>(m)) scanBlock(n->body);
      else if (auto* e = llvm::dyn_cast<ExpectMember>(m)) scan(e->condition);
      else if (auto* c = llvm::dyn_cast<ColumnMember>(m)) scan(c->constraint);
      else if (auto* k = llvm::dyn_cast<ComparisonMember>(m)) scan(k->value);
    }
  }

  void scan(const Expr* e) {
    if (!e) return;
    switch (e->kind()) {
      case ExprKind::String: return checkLiteral(llvm::cast<StringExpr>(e));
      case ExprKind::List: for (const Expr* i : llvm::cast<ListExpr>(e)->items) scan(i); return;
      case ExprKind::Call: for (const Argument& a : llvm::cast<CallExpr>(e)->args) scan(a.value); return;
      case ExprKind::ValueBlock: scanBlock(llvm::cast<ValueBlockExpr>(e)->body); return;
      case ExprKind::Binary: scan(llvm::cast<BinaryExpr>(e)->lhs); scan(llvm::cast<BinaryExpr>(e)->rhs); return;
      case ExprKind::Unary: scan(llvm::cast<UnaryExpr>(e)->operand); return;
      default: return;
    }
  }

  void checkLiteral(const StringExpr* s) {
    // Each pattern has a cheap literal trigger; the regex only runs on
    // strings that contain it (most strings contain none).
    struct Pattern { const char* what; const char* trigger; bool ignoreCase; llvm::Regex re; };
    static Pattern patterns[] = {
        {"an AWS access key id", "A", false, llvm::Regex("(AKIA|ASIA)[0-9A-Z]{16}")},
        {"a private key", "-----BEGIN", false, llvm::Regex("-----BEGIN ([A-Z]+ )?PRIVATE KEY-----")},
        // `password=x...` in a command line; `password: x` only when the value
        // looks generated (has a digit or symbol), so prose does not match.
        {"a password", nullptr, true,
         llvm::Regex("(password|passwd|pwd|secret|api_key|apikey|token)([ ]*=[ ]*[^ ${][^ ]{3,}|:[ ]*[A-Za-z]*[0-9_+/!@#%^&*.-][^ ]{3,})",
                     llvm::Regex::IgnoreCase)},
        {"a bearer token", "earer ", false, llvm::Regex("[Bb]earer [A-Za-z0-9._~+/-]{16,}")},
        {"a GitHub token", "_", false, llvm::Regex("gh[pousr]_[A-Za-z0-9]{30,}")},
        {"a Slack token", "xox", false, llvm::Regex("xox[baprs]-[A-Za-z0-9-]{10,}")},
    };
    llvm::StringRef v = s->value;
    for (Pattern& p : patterns) {
      if (p.trigger && !v.contains(p.trigger)) continue;
      if (!p.trigger && !(v.contains('=') || v.contains(':'))) continue;
      if (!p.trigger && !(v.contains_insensitive("pass") || v.contains_insensitive("pwd") ||
                          v.contains_insensitive("secret") || v.contains_insensitive("key") ||
                          v.contains_insensitive("token")))
        continue;
      llvm::SmallVector<llvm::StringRef, 2> match;
      if (!p.re.match(s->value, &match)) continue;
      // Point at the secret itself when the source spells the value as is.
      llvm::SMRange at = s->range;
      const char* src = s->range.Start.getPointer();
      size_t quote = s->raw ? 3 : 1;
      if (src && llvm::StringRef(src + quote, s->value.size()) == s->value) {
        const char* b = src + quote + (match[0].data() - s->value.data());
        at = {llvm::SMLoc::getFromPointer(b), llvm::SMLoc::getFromPointer(b + match[0].size())};
      }
      bool runsCommands = scanning_ && (scanning_->kind() == DeclKind::Step || scanning_->kind() == DeclKind::Model ||
                                        scanning_->kind() == DeclKind::Deploy);
      program_->diags().report(at, diag::kinds::CredentialLiteral, p.what)
          .note(runsCommands ? "list the name in `secrets = [NAME]` and use `${secrets.NAME}`; the value comes from "
                               "the environment"
                             : "keep credentials out of the spec: name a connection (e.g. postgres(\"warehouse\")) "
                               "and provide its secret through the environment");
      return;
    }
  }

  Program* program_ = nullptr;
  const Decl* scanning_ = nullptr;
  llvm::DenseMap<const Symbol*, Inherited> memo_;
};

}  // namespace

std::unique_ptr<Pass> createPolicyPass() { return std::make_unique<PolicyPass>(); }

}  // namespace mlops::sema
