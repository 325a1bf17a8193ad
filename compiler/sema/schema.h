// Property schemas: which properties each declaration (and each nested
// block, value-block and call) accepts, their types and which are required.
// The properties pass checks values against these; the references pass
// resolves the reference-typed ones; hover and completion read the docs.
#pragma once

#include "ast/ast.h"
#include "sema/program.h"

#include <vector>

namespace mlops::sema {

enum class TypeKind : uint8_t {
  String,      // "text"
  Semver,      // "1.2.3"
  Int,         // 3
  Float,       // 0.5 (an int or a percent converts)
  Percent,     // 10%
  Bool,        // true
  Duration,    // 30m
  Size,        // 8Gi
  Enum,        // a bare word from a fixed set
  Ref,         // a reference to a declaration of some kinds
  List,        // [element, ...]
  Block,       // name { ... } with its own schema
  Map,         // name { key = value ... } with free keys of one type
  Columns,     // schema { col : type where ... }
  Call,        // one of a set of calls: file("..."), push("main"), ...
  Quorum,      // role, or `N of role`
  OutputRef,   // outputs.NAME of the same declaration
  Name,        // a bare identifier naming something outside the spec (secret, column)
  Strategy,    // rolling | canary { ... } | shadow { ... } | ab { ... }
  Comparison,  // target >= 30%
  Condition,   // when = expr (an expression, typed by the expressions pass)
  Any,         // anything scalar (params)
  Params,      // the project's params: file("params.yaml") or params { ... } (pass `params`)
  FanOut,      // foreach = [...], foreach { item { ... } } or matrix { k = [...] } (pass `fan_out`)
};

struct BlockSchema;
struct CallSchema;

struct TypeSpec {
  TypeSpec(TypeKind kind, uint16_t refKinds = 0, std::vector<llvm::StringRef> enumValues = {},
           const TypeSpec* element = nullptr, const BlockSchema* block = nullptr,
           std::vector<const CallSchema*> calls = {}, llvm::StringRef callNoun = "call")
      : kind(kind), refKinds(refKinds), enumValues(std::move(enumValues)), element(element), block(block),
        calls(std::move(calls)), callNoun(callNoun) {}

  TypeKind kind;
  uint16_t refKinds;                       // Ref: bit per SymbolKind
  std::vector<llvm::StringRef> enumValues; // Enum
  const TypeSpec* element;                 // List, Map
  const BlockSchema* block;                // Block
  std::vector<const CallSchema*> calls;    // Call, Strategy (value-blocks by name)
  llvm::StringRef callNoun;                // Call: what one is, for "unknown source `gcs`"
};

struct PropertySpec {
  llvm::StringRef name;
  const TypeSpec* type;
  bool required = false;
  llvm::StringRef doc;
};

struct BlockSchema {
  BlockSchema(llvm::StringRef what, std::vector<PropertySpec> properties, bool allowsExpect = false,
              bool allowsEvery = false)
      : what(what), properties(std::move(properties)), allowsExpect(allowsExpect), allowsEvery(allowsEvery) {}

  llvm::StringRef what;  // "model", "resources", "canary"
  std::vector<PropertySpec> properties;
  bool allowsExpect;     // `expect ...` members
  bool allowsEvery;      // `expect ... every D`
  const PropertySpec* find(llvm::StringRef name) const;
  std::vector<llvm::StringRef> names() const;
};

// A call form (`file("x")`) or a value-block form (`canary { ... }`).
struct CallSchema {
  llvm::StringRef name;
  std::vector<PropertySpec> positional;  // in order
  std::vector<PropertySpec> named;       // name = value
  const BlockSchema* block = nullptr;    // value-block body
  llvm::StringRef doc;
};

// The schema of a declaration kind's body.
const BlockSchema& declSchema(ast::DeclKind kind);
uint16_t refBit(SymbolKind kind);
// "a role", "a data or step output", ...
std::string describeType(const TypeSpec& type);
// Every bare word that is a value of some enum (for did-you-mean).
bool isKnownEnumWord(llvm::StringRef word);

}  // namespace mlops::sema
