// CSV reading for data tests (runtime/data_table.h): quoting, line endings,
// blank lines, ragged rows and empty files.
#include "runtime/data_table.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <unistd.h>

using namespace mlops::runtime;

namespace {

std::optional<DataTable> read(const std::string& text, std::string& error) {
  llvm::SmallString<128> path;
  int fd;
  REQUIRE(!llvm::sys::fs::createTemporaryFile("mlops-data", "csv", fd, path));
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << text;
  }
  std::optional<DataTable> t = DataTable::readCsv(path.str().str(), error);
  llvm::sys::fs::remove(path);
  return t;
}

}  // namespace

TEST_CASE("CSV as RFC 4180 writes it", "[runtime][data]") {
  std::string error;
  std::optional<DataTable> t = read("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",\r\n", error);
  REQUIRE(t);
  CHECK(t->header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t->rows.size() == 2);
  CHECK(t->rows[0][1] == "x, y");
  CHECK(t->rows[0][2] == "say \"hi\"");
  CHECK(t->rows[1][1] == "two\nlines");
  CHECK(t->rows[1][2] == "");
  CHECK(t->column("c", error) == 2u);
  CHECK(!t->column("d", error));
  CHECK(error == "column `d` is not in the data (its columns: a, b, c)");
  // No final newline.
  t = read("a\n1", error);
  REQUIRE(t);
  CHECK(t->rows.size() == 1);
}

TEST_CASE("broken CSV is reported, not guessed", "[runtime][data]") {
  std::string error;
  CHECK(!read("", error));
  CHECK(error.find("is empty: expected a header row") != std::string::npos);
  CHECK(!read("a,b\n1\n", error));
  CHECK(error.find("data row 1 has 1 fields, the header 2") != std::string::npos);
  CHECK(!read("a\n\"open\n", error));
  CHECK(error.find("a quoted field is not closed") != std::string::npos);
  CHECK(isNull(""));
  CHECK(isNull("NA"));
  CHECK(isNull("null"));
  CHECK(!isNull("0"));
}

TEST_CASE("security item 2: a data test reads no file outside the project and quotes no cell", "[runtime][data]") {
  llvm::SmallString<128> base;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-data-root", base));
  std::string project = (base + "/project").str();
  std::string outside = (base + "/outside.csv").str();
  REQUIRE(!llvm::sys::fs::create_directories(project + "/data"));
  auto write = [](const std::string& path, const std::string& text) {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    REQUIRE(!ec);
    out << text;
  };
  write(outside, "root:secret-hash:0\nx,y,z\n");
  write(project + "/data/in.csv", "amount\n1\nsecret-value\n");
  REQUIRE(::symlink(outside.c_str(), (project + "/data/link.csv").c_str()) == 0);

  std::string error;
  for (const std::string& source : {outside, std::string("../outside.csv"), std::string("data/link.csv")}) {
    CHECK(!DataTable::readProjectCsv(project, source, error));
    CHECK(error == "the data `" + source +
                       "` lies outside the project folder: data tests read only files inside it (docs/language.md, "
                       "data tests)");
    CHECK(error.find("secret") == std::string::npos);
  }
  // Missing and outside: the same answer, so nothing is learnt about the file.
  CHECK(!DataTable::readProjectCsv(project, "../missing.csv", error));
  CHECK(error.find("lies outside the project folder") != std::string::npos);

  std::optional<DataTable> table = DataTable::readProjectCsv(project, "data/in.csv", error);
  REQUIRE(table);
  mlops::ir::Node data;
  EvaluationContext context = dataContext(data, *table, "data/in.csv");
  CHECK(!context.call({"column_min"}, {Value{std::string("amount")}}, error));
  CHECK(error == "`column_min(\"amount\")`: row 2 is not a number (`data/in.csv`)");
  llvm::sys::fs::remove_directories(base);
}
