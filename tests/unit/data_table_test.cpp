// CSV reading for data tests (runtime/data_table.h): quoting, line endings,
// blank lines, ragged rows and empty files.
#include "runtime/data_table.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

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
