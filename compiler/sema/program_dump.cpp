#include "sema/program_dump.h"

#include "diag/source_location.h"

#include <algorithm>

namespace mlops::sema {

void dumpProgram(llvm::raw_ostream& os, Program& program, llvm::StringRef afterPass) {
  auto where = [&](llvm::SMLoc loc) {
    diag::ResolvedRange r = diag::resolveRange(program.sources(), llvm::SMRange(loc, loc));
    if (!r.valid) return std::string("?");
    return r.file + ":" + std::to_string(r.start.line) + ":" + std::to_string(r.start.column);
  };
  os << "# program after pass `" << afterPass << "`\n";
  os << "modules:\n";
  for (const auto& m : program.modules)
    os << "  " << m->name << (m->stdlib ? (m->used ? " (stdlib, used)" : " (stdlib)") : "") << "\n";
  os << "symbols:\n";
  for (const auto& s : program.symbols) {
    os << "  " << kindName(s->kind) << ' ' << s->name;
    if (s->module && s->module->stdlib) os << " [" << s->module->name << ']';
    else os << " @ " << where(s->decl->name.range.Start);
    if (s->used) os << " used";
    os << '\n';
  }
  if (!program.references.empty()) {
    std::vector<std::pair<const char*, std::string>> refs;
    for (const auto& [expr, ref] : program.references) {
      if (!ref.symbol) continue;
      std::string target = kindName(ref.symbol->kind).str() + " " + ref.symbol->name.str();
      if (!ref.output.empty()) target += " output " + ref.output.str();
      refs.emplace_back(expr->range.Start.getPointer(), where(expr->range.Start) + " -> " + target);
    }
    std::sort(refs.begin(), refs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    os << "references:\n";
    for (const auto& r : refs) os << "  " << r.second << '\n';
  }
  if (!program.roles.empty()) {
    os << "roles:\n";
    for (const auto& s : program.symbols) {
      auto it = program.roles.find(s.get());
      if (it == program.roles.end()) continue;
      os << "  " << s->name << " can [";
      bool first = true;
      for (uint8_t bit = 1; bit && bit <= SetQuota; bit <<= 1)
        if (it->second.permissions & bit) {
          os << (first ? "" : ", ") << permissionName(static_cast<Permission>(bit));
          first = false;
        }
      os << "] members [";
      for (size_t i = 0; i < it->second.members.size(); ++i) os << (i ? ", " : "") << it->second.members[i].first;
      os << "]\n";
    }
  }
  if (!program.edges.empty()) {
    os << "edges:\n";
    for (const Edge& e : program.edges)
      os << "  " << kindName(e.from->kind) << ' ' << e.from->name << " -> " << kindName(e.to->kind) << ' '
         << e.to->name << " (" << e.why << ")\n";
  }
}

}  // namespace mlops::sema
