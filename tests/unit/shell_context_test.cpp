// Where an interpolation sits in a command (ir/shell_context.h): bare where a
// shell word starts, anything else named.
#include "ir/shell_context.h"

#include <catch2/catch.hpp>

using mlops::ir::interpolationSites;
using mlops::ir::ShellContext;

namespace {

std::vector<ShellContext> contexts(std::string_view command) {
  std::vector<ShellContext> out;
  for (const auto& site : interpolationSites(command)) out.push_back(site.context);
  return out;
}

}  // namespace

TEST_CASE("security item 5: interpolations where a shell word starts are bare", "[ir][shell]") {
  using C = ShellContext;
  CHECK(contexts("train --lr ${params.lr} --out=${outputs.m} ${outputs.dir}/x") ==
        std::vector<C>{C::Bare, C::Bare, C::Bare});
  CHECK(contexts("n=$(wc -l < ${inputs.raw}) && echo \"$(cat ${inputs.raw})\"") == std::vector<C>{C::Bare, C::Bare});
  CHECK(contexts("echo 'it''s' \"a\\\"b\" ${params.x}") == std::vector<C>{C::Bare});
  CHECK(contexts("echo $${HOME} $$x ${params.x}") == std::vector<C>{C::Bare});
  CHECK(contexts("a#b ${params.x}") == std::vector<C>{C::Bare});
  CHECK(contexts("cat <<-'EOF'\n\tbody\n\tEOF\necho ${params.x}") == std::vector<C>{C::Bare});
  CHECK(contexts("cat <<< ${params.x}") == std::vector<C>{C::Bare});
}

TEST_CASE("security item 5: interpolations inside quoting constructs are named", "[ir][shell]") {
  using C = ShellContext;
  CHECK(contexts("echo \"${params.x}\"") == std::vector<C>{C::DoubleQuotes});
  CHECK(contexts("echo '${params.x}'") == std::vector<C>{C::SingleQuotes});
  CHECK(contexts("echo $'${params.x}'") == std::vector<C>{C::AnsiCQuotes});
  CHECK(contexts("echo \\${params.x}") == std::vector<C>{C::Backslash});
  CHECK(contexts("echo `echo ${params.x}`") == std::vector<C>{C::Backticks});
  CHECK(contexts("cat <<EOF\n${params.x}\nEOF") == std::vector<C>{C::Heredoc});
  CHECK(contexts("cat << \"E O\" | sort\nx ${params.x}\nE O\n${params.y}") == std::vector<C>{C::Heredoc, C::Bare});
  CHECK(contexts("true # ${params.x}\n${params.y}") == std::vector<C>{C::Comment, C::Bare});
  CHECK(contexts("echo $((${params.n} + 1)) ((${params.n}))") == std::vector<C>{C::Arithmetic, C::Arithmetic});
  CHECK(contexts("echo $${A:-${params.x}} ${params.y}") == std::vector<C>{C::ParameterExpansion, C::Bare});
  CHECK(contexts("echo \"$(echo \"${params.x}\")\"") == std::vector<C>{C::DoubleQuotes});
  CHECK(contexts("echo 'unclosed ${params.x}") == std::vector<C>{C::SingleQuotes});
}

TEST_CASE("security item 5: a site spans its interpolation", "[ir][shell]") {
  auto sites = interpolationSites("a ${params.x} b");
  REQUIRE(sites.size() == 1);
  CHECK(sites[0].begin == 2);
  CHECK(sites[0].end == 13);
}
