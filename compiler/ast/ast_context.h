// Owns every AST node of a compilation in one bump arena.
#pragma once

#include "ast/ast.h"

#include <llvm/Support/Allocator.h>

#include <type_traits>
#include <vector>

namespace mlops::ast {

class ASTContext {
 public:
  ASTContext() = default;
  ASTContext(const ASTContext&) = delete;
  ASTContext& operator=(const ASTContext&) = delete;

  template <class T, class... Args>
  T* make(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena nodes are never destroyed");
    return new (arena_.Allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  template <class T>
  llvm::ArrayRef<T> copy(llvm::ArrayRef<T> items) {
    static_assert(std::is_trivially_destructible_v<T>, "arena arrays are never destroyed");
    if (items.empty()) return {};
    T* out = static_cast<T*>(arena_.Allocate(sizeof(T) * items.size(), alignof(T)));
    std::uninitialized_copy(items.begin(), items.end(), out);
    return {out, items.size()};
  }

  llvm::StringRef save(llvm::StringRef text) {
    if (text.empty()) return {};
    char* out = static_cast<char*>(arena_.Allocate(text.size(), 1));
    std::memcpy(out, text.data(), text.size());
    return {out, text.size()};
  }

  size_t bytesAllocated() const { return arena_.getBytesAllocated(); }

 private:
  llvm::BumpPtrAllocator arena_;
};

}  // namespace mlops::ast
