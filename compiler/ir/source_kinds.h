// What lies outside the project and a spec names: the kinds of data source
// (docs/language.md 5.4) with the rules their arguments follow, and the
// URIs of a step's effects (5.5). One set of rules for the checker (E0303
// with these sentences), the IR reader (a hand-edited pipeline.json) and
// the runtime, which fetches `http` and `git` sources into
// `.mlops/sources/` and reads them from there.
#pragma once

#include "ir/pipeline_graph.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::ir {

// Every data source kind, in the order messages list them.
const std::vector<std::string_view>& dataSourceKinds();
// What a monitor's `source` may be: the data kinds but `http` and `git`,
// which pin one immutable file, not a live reading.
const std::vector<std::string_view>& monitorSourceKinds();

// Each returns "" when the value is fine, else why not (a lowercase clause
// that follows "`value` is not …" in a message).
std::string sha256Problem(std::string_view hex);       // 64 lowercase hex digits
std::string httpUrlProblem(std::string_view url);      // http:// or https://, a host, no credentials
std::string gitUrlProblem(std::string_view url);       // https, http, ssh, git or file URL
std::string gitRevProblem(std::string_view rev);       // a full 40-digit commit id
std::string repositoryPathProblem(std::string_view path);  // relative, no `..`, no `.git`
std::string bigqueryTableProblem(std::string_view table);  // "project.dataset.table" or "dataset.table"
std::string bigqueryProjectProblem(std::string_view project);  // a Google Cloud project id
std::string effectUriProblem(std::string_view uri);    // scheme://rest

// The first problem of a data node's source ("" when none): its kind is
// known, its required arguments are there and well formed.
std::string sourceProblem(const Source& source, bool monitor);

// The value of a source's argument `name`, or null.
const std::string* sourceArgument(const Source& source, std::string_view name);

// Where the runtime reads a data node's bytes, relative to the project
// root: a file's path; an http download at `.mlops/sources/sha256/DIGEST`;
// a git import at `.mlops/sources/git/KEY/REV/PATH` (KEY: the first 16 hex
// digits of the URL's SHA-256). Nullopt for tables the runtime does not
// read (postgres, s3, bigquery).
std::optional<std::string> localDataPath(const Source& source);
// The folder of the git import of `url` (its bare repository is `repo`).
std::string gitCacheFolder(std::string_view url);
// The name the data has where it comes from (its file, the URL's last
// segment, the path in the repository), whose extension tells its format
// when `format` is not given.
std::string sourceFileName(const Source& source);

}  // namespace mlops::ir
