#include "lsp/server.h"

#include "format/formatter.h"
#include "format/line_diff.h"
#include "lsp/completion.h"
#include "lsp/document_analysis.h"
#include "lsp/fan_out_items.h"
#include "lsp/member_hover.h"
#include "lsp/param_interpolation.h"
#include "lsp/transport.h"
#include "lsp/uri.h"
#include "sema/schema.h"
#include "syntax/token.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <atomic>
#include <thread>

namespace mlops::lsp {
namespace {

using json = nlohmann::json;

// JSON-RPC and LSP error codes.
enum ErrorCode {
  ParseError = -32700, InvalidRequest = -32600, MethodNotFound = -32601, InvalidParams = -32602,
  InternalError = -32603, ServerNotInitialized = -32002, RequestFailed = -32803, RequestCancelled = -32800,
};

struct ResponseError {
  int code;
  std::string message;
};

// Messages from the reader thread: a body, or a framing problem, or the end.
struct Incoming {
  std::string body;
  std::string problem;
  bool end = false;
};

class MessageQueue {
 public:
  void push(Incoming m) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(m));
    }
    ready_.notify_one();
  }
  Incoming pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    Incoming m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  bool empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.empty();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Incoming> queue_;
};

struct Document {
  std::string uri;
  std::string path;
  std::string text;
  int64_t version = 0;
  LineIndex lines;  // over `text`
  std::unique_ptr<Analysis> analysis;
  bool dirty = true;      // `text` changed since `analysis`
  bool published = false; // diagnostics of `analysis` were sent
};

class Server {
 public:
  Server(std::FILE* in, std::FILE* out, const ServerOptions& options) : transport_(in, out), options_(options) {}

  int run() {
    std::thread reader([this] { readLoop(); });
    int exitCode = 1;
    while (true) {
      Step step = handle(queue_.pop(), exitCode);
      if (step == Step::Stop) break;
      if (step == Step::Handled && queue_.empty()) publishDirty();
    }
    stopping_ = true;
    // The reader may sit in a blocking read: it ends with the input.
    reader.detach();
    return exitCode;
  }

  // runServerOnThisThread: each message is read only when the one before
  // has been handled and the documents it changed re-checked.
  int runOnThisThread() {
    int exitCode = 1;
    while (true) {
      Step step = handle(readOne(), exitCode);
      if (step == Step::Stop) break;
      if (step == Step::Handled) publishDirty();
    }
    return exitCode;
  }

 private:
  // ---------------------------------------------------------------- input

  void readLoop() {
    while (!stopping_) {
      Incoming m = readOne();
      bool end = m.end;
      queue_.push(std::move(m));
      if (end) return;
    }
  }

  Incoming readOne() {
    std::string problem;
    std::optional<std::string> body = transport_.read(problem);
    if (!body) return {"", "", true};
    // Cancellation is noted at once, so a request still waiting is skipped.
    if (body->find("$/cancelRequest") != std::string::npos) {
      json j = json::parse(*body, nullptr, false);
      if (j.is_object() && j.value("method", "") == "$/cancelRequest" && j.contains("params") &&
          j["params"].is_object() && j["params"].contains("id")) {
        std::lock_guard<std::mutex> lock(cancelMutex_);
        cancelled_.insert(j["params"]["id"].dump());
      }
    }
    return {std::move(*body), problem, false};
  }

  bool takeCancelled(const json& id) {
    std::lock_guard<std::mutex> lock(cancelMutex_);
    return cancelled_.erase(id.dump()) > 0;
  }

  // ---------------------------------------------------------------- output

  void send(const json& message) { transport_.write(message.dump(-1, ' ', false, json::error_handler_t::replace)); }
  void sendResult(const json& id, const json& result) { send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}); }
  void sendError(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  void log(const std::string& message, int type = 3) { notify("window/logMessage", {{"type", type}, {"message", message}}); }

  // ---------------------------------------------------------------- dispatch

  enum class Step { Stop, Handled, BadFraming };

  Step handle(const Incoming& m, int& exitCode) {
    if (m.end) return Step::Stop;
    if (!m.problem.empty()) {
      sendError(nullptr, InvalidRequest, "bad message framing: " + m.problem);
      return Step::BadFraming;
    }
    return handleMessage(m.body, exitCode) ? Step::Stop : Step::Handled;
  }

  // True when the server should stop (exit).
  bool handleMessage(const std::string& body, int& exitCode) {
    json message = json::parse(body, nullptr, false);
    if (message.is_discarded()) {
      sendError(nullptr, ParseError, "the message is not valid JSON");
      return false;
    }
    if (!message.is_object() || (message.contains("jsonrpc") && message["jsonrpc"] != "2.0")) {
      sendError(message.is_object() && message.contains("id") ? message["id"] : json(nullptr), InvalidRequest,
                "expected a JSON-RPC 2.0 request or notification object");
      return false;
    }
    bool isRequest = message.contains("id");
    json id = isRequest ? message["id"] : json(nullptr);
    if (isRequest && !id.is_number_integer() && !id.is_string()) {
      sendError(nullptr, InvalidRequest, "a request id must be an integer or a string");
      return false;
    }
    if (!message.contains("method") || !message["method"].is_string()) {
      if (isRequest && !message.contains("result") && !message.contains("error"))
        sendError(id, InvalidRequest, "a request needs a method");
      return false;  // a response to something we never sent: ignore
    }
    std::string method = message["method"];
    json params = message.contains("params") ? message["params"] : json::object();

    if (method == "exit") {
      exitCode = shutdown_ ? 0 : 1;
      return true;
    }
    if (isRequest && takeCancelled(id)) {
      sendError(id, RequestCancelled, "the request was cancelled");
      return false;
    }
    if (!initialized_ && method != "initialize") {
      if (isRequest) sendError(id, ServerNotInitialized, "the server has not been initialized");
      return false;
    }
    if (shutdown_ && isRequest) {
      sendError(id, InvalidRequest, "the server is shutting down");
      return false;
    }
    try {
      if (isRequest) {
        json result = request(method, params);
        sendResult(id, result);
      } else {
        notification(method, params);
      }
    } catch (const ResponseError& e) {
      if (isRequest) sendError(id, e.code, e.message);
      else log("mlopsc: " + method + ": " + e.message, 1);
    } catch (const json::exception& e) {
      if (isRequest) sendError(id, InvalidParams, std::string("invalid parameters: ") + e.what());
      else log("mlopsc: " + method + ": invalid parameters: " + e.what(), 1);
    } catch (const std::exception& e) {
      if (isRequest) sendError(id, InternalError, std::string("internal error: ") + e.what());
      else log("mlopsc: " + method + ": internal error: " + e.what(), 1);
    }
    return false;
  }

  json request(const std::string& method, const json& params) {
    if (method == "initialize") return initialize(params);
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/hover") return hover(params);
    if (method == "textDocument/definition") return definition(params);
    if (method == "textDocument/references") return references(params);
    if (method == "textDocument/prepareRename") return prepareRename(params);
    if (method == "textDocument/rename") return rename(params);
    if (method == "textDocument/completion") return completion(params);
    if (method == "textDocument/documentSymbol") return documentSymbols(params);
    if (method == "textDocument/formatting") return formatting(params);
    if (method == "textDocument/codeAction") return codeActions(params);
    throw ResponseError{MethodNotFound, "unknown method `" + method + "`"};
  }

  void notification(const std::string& method, const json& params) {
    if (method == "initialized") return;
    if (method == "textDocument/didOpen") {
      const json& td = params.at("textDocument");
      std::string uri = td.at("uri");
      Document& d = documents_[uri];
      d.uri = uri;
      d.path = absolutePath(uriToPath(uri));
      d.text = td.at("text");
      d.version = td.value("version", 0);
      d.lines = LineIndex(d.text);
      d.dirty = true;
      return;
    }
    if (method == "textDocument/didChange") {
      Document& d = document(params.at("textDocument").at("uri"));
      for (const json& change : params.at("contentChanges")) applyChange(d, change);
      d.version = params.at("textDocument").value("version", d.version);
      d.dirty = true;
      return;
    }
    if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri");
      if (documents_.erase(uri)) notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
      return;
    }
    if (method == "workspace/didChangeWatchedFiles" || method == "textDocument/didSave") {
      // An imported file may have changed on disk: check every document again.
      for (auto& [uri, d] : documents_) d.dirty = true;
      return;
    }
    // Other notifications ($/setTrace, workspace/didChangeConfiguration, ...) need nothing.
  }

  // ---------------------------------------------------------------- lifecycle

  json initialize(const json& params) {
    if (initialized_) throw ResponseError{InvalidRequest, "initialize was already received"};
    initialized_ = true;
    // Positions in UTF-8 when the client offers it, else UTF-16 (the default).
    encoding_ = Encoding::Utf16;
    if (params.contains("capabilities")) {
      const json& caps = params["capabilities"];
      if (caps.contains("general") && caps["general"].contains("positionEncodings"))
        for (const json& e : caps["general"]["positionEncodings"])
          if (e == "utf-8") encoding_ = Encoding::Utf8;
    }
    return {
        {"capabilities",
         {{"positionEncoding", encoding_ == Encoding::Utf8 ? "utf-8" : "utf-16"},
          {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
          {"hoverProvider", true},
          {"definitionProvider", true},
          {"referencesProvider", true},
          {"renameProvider", {{"prepareProvider", true}}},
          {"completionProvider", {{"triggerCharacters", {"=", " ", "[", ","}}, {"resolveProvider", false}}},
          {"documentSymbolProvider", true},
          {"documentFormattingProvider", true},
          {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}}}},
        {"serverInfo", {{"name", "mlopsc"}, {"version", options_.version}}}};
  }

  // ---------------------------------------------------------------- documents

  static std::string absolutePath(const std::string& path) {
    llvm::SmallString<256> p(path);
    if (!path.empty() && path.find("://") == std::string::npos) llvm::sys::fs::make_absolute(p);
    return p.str().str();
  }

  Document& document(const std::string& uri) {
    auto it = documents_.find(uri);
    if (it == documents_.end()) throw ResponseError{InvalidParams, "the document " + uri + " is not open"};
    return it->second;
  }

  void applyChange(Document& d, const json& change) {
    if (!change.contains("range")) {
      d.text = change.at("text");
    } else {
      Position from = position(change["range"].at("start")), to = position(change["range"].at("end"));
      size_t a = d.lines.offset(from, encoding_), b = d.lines.offset(to, encoding_);
      if (b < a) std::swap(a, b);
      d.text.replace(a, b - a, change.at("text").get<std::string>());
    }
    d.lines = LineIndex(d.text);
  }

  static Position position(const json& p) {
    return {p.at("line").get<int>(), p.at("character").get<int>()};
  }

  // The document, checked as it is now.
  Analysis& analysis(Document& d) {
    if (d.dirty || !d.analysis) {
      // The old analysis lends its unchanged declarations, then goes.
      std::unique_ptr<Analysis> next = analyze(d.path, d.text, options_.stdlibDir, d.analysis.get());
      d.analysis = std::move(next);
      d.dirty = false;
      d.published = false;
    }
    return *d.analysis;
  }

  void publishDirty() {
    for (auto& [uri, d] : documents_) {
      if (!d.dirty && d.published) continue;
      Analysis& a = analysis(d);
      publish(d, a);
    }
  }

  // ---------------------------------------------------------------- conversions

  json range(const Analysis& a, llvm::SMRange r) const {
    if (!r.Start.isValid()) return {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
    unsigned id = a.inDocument(r.Start) ? a.bufferId : a.sources.FindBufferContainingLoc(r.Start);
    const LineIndex& lines = a.linesOf(id);
    const char* base = a.sources.getMemoryBuffer(id ? id : a.bufferId)->getBufferStart();
    Position s = lines.position(static_cast<size_t>(r.Start.getPointer() - base), encoding_);
    Position e = r.End.isValid() ? lines.position(static_cast<size_t>(r.End.getPointer() - base), encoding_) : s;
    return {{"start", {{"line", s.line}, {"character", s.character}}}, {"end", {{"line", e.line}, {"character", e.character}}}};
  }

  // The URI of the file holding `loc`: the document's own URI as the client
  // sent it (untitled:, or encoded its way), else the imported file's.
  std::string uriOf(const Analysis& a, llvm::SMLoc loc) const {
    if (a.inDocument(loc))
      for (const auto& [uri, d] : documents_)
        if (d.analysis.get() == &a) return uri;
    return pathToUri(a.pathOf(loc));
  }

  json location(const Analysis& a, llvm::SMRange r) const {
    return {{"uri", uriOf(a, r.Start)}, {"range", range(a, r)}};
  }

  json offsetRange(const Document& d, size_t from, size_t to) const {
    Position s = d.lines.position(from, encoding_), e = d.lines.position(to, encoding_);
    return {{"start", {{"line", s.line}, {"character", s.character}}}, {"end", {{"line", e.line}, {"character", e.character}}}};
  }

  // ---------------------------------------------------------------- diagnostics

  json diagnosticJson(const Analysis& a, const diag::Diagnostic& d) const {
    const diag::CodeInfo& info = diag::codeInfo(d.code);
    std::string message = d.message;
    json related = json::array();
    for (const diag::Note& n : d.notes) {
      if (n.range.Start.isValid()) related.push_back({{"location", location(a, n.range)}, {"message", n.message}});
      else message += "\nnote: " + n.message;
    }
    json out = {{"range", range(a, d.range)},
                {"severity", d.severity == diag::Severity::Error ? 1 : d.severity == diag::Severity::Warning ? 2 : 3},
                {"code", info.name},
                {"source", "mlopsc"},
                {"message", message}};
    if (!options_.docsUrl.empty())
      out["codeDescription"] = {{"href", options_.docsUrl + "#" + llvm::StringRef(info.name).lower()}};
    if (!related.empty()) out["relatedInformation"] = related;
    if (d.code == diag::DiagCode::W0601) out["tags"] = {1};  // Unnecessary: shown faded
    return out;
  }

  // The diagnostics that belong to the document: those located in it, and
  // those without a location (a missing stdlib, say), shown at its start.
  std::vector<const diag::Diagnostic*> documentDiagnostics(const Analysis& a) const {
    std::vector<const diag::Diagnostic*> out;
    for (const diag::Diagnostic& d : a.diags.diagnostics())
      if (!d.range.Start.isValid() || a.inDocument(d.range.Start)) out.push_back(&d);
    return out;
  }

  void publish(Document& d, const Analysis& a) {
    json list = json::array();
    for (const diag::Diagnostic* diagnostic : documentDiagnostics(a)) list.push_back(diagnosticJson(a, *diagnostic));
    notify("textDocument/publishDiagnostics", {{"uri", d.uri}, {"version", d.version}, {"diagnostics", list}});
    d.published = true;
  }

  // ---------------------------------------------------------------- requests

  struct At {
    Document* doc;
    Analysis* analysis;
    size_t offset;
  };
  At at(const json& params) {
    Document& d = document(params.at("textDocument").at("uri"));
    Analysis& a = analysis(d);
    if (!d.published) publish(d, a);
    return {&d, &a, a.lines.offset(position(params.at("position")), encoding_)};
  }

  static std::string permissionsText(uint8_t bits) {
    std::string out;
    for (unsigned b = 0; b < 8; ++b)
      if (bits & (1u << b)) {
        if (!out.empty()) out += ", ";
        out += sema::permissionName(static_cast<sema::Permission>(1u << b)).str();
      }
    return out.empty() ? "none" : out;
  }

  std::string checkSignature(const ast::CheckDecl& c) const {
    std::string out = "check " + c.name.text.str() + "(";
    for (size_t i = 0; i < c.params.size(); ++i) {
      const ast::CheckParam& p = c.params[i];
      if (i) out += ", ";
      out += p.name.text.str() + ": " + typeText(p.type);
      if (p.defaultValue) out += " = " + sourceText(p.defaultValue->range);
    }
    return out + ") on " + c.appliesTo.text.str();
  }
  static std::string typeText(const ast::TypeRef* t) {
    if (!t) return "?";
    return t->name.text.str() + (t->element ? "(" + typeText(t->element) + ")" : "");
  }
  static std::string sourceText(llvm::SMRange r) {
    if (!r.Start.isValid() || !r.End.isValid()) return "";
    return std::string(r.Start.getPointer(), r.End.getPointer());
  }

  std::string symbolHover(const Analysis& a, const sema::Symbol& s) const {
    std::string head;
    if (s.kind == sema::SymbolKind::Check && s.decl) head = checkSignature(llvm::cast<ast::CheckDecl>(*s.decl));
    else head = sema::kindName(s.kind).str() + " " + s.name.str();
    if (s.decl)
      if (auto* r = llvm::dyn_cast<ast::RoleDecl>(s.decl))
        if (r->base) head += " : " + sourceText(r->base->range);
    std::string out = "```mlops\n" + head + "\n```\n";
    if (s.decl && !s.decl->doc.empty()) out += "\n" + s.decl->doc.str() + "\n";
    std::vector<std::string> facts;
    if (s.kind == sema::SymbolKind::Role) {
      auto it = a.program->roles.find(&s);
      if (it != a.program->roles.end()) {
        const sema::RoleFacts& f = it->second;
        std::string members;
        for (const auto& [who, where] : f.members) members += (members.empty() ? "" : ", ") + who;
        facts.push_back("**members:** " + (members.empty() ? std::string("none") : members));
        facts.push_back("**permissions:** " + (f.permissionsKnown ? permissionsText(f.permissions) : std::string("unknown")));
        if (f.hasQuota) {
          std::string q;
          if (f.quotaCpu >= 0) q += "cpu " + llvm::formatv("{0}", f.quotaCpu).str();
          if (f.quotaMemory >= 0) q += (q.empty() ? "" : ", ") + std::string("memory ") + llvm::formatv("{0}", f.quotaMemory / (1024.0 * 1024 * 1024)).str() + " GiB";
          if (f.quotaGpu >= 0) q += (q.empty() ? "" : ", ") + std::string("gpu ") + llvm::formatv("{0}", f.quotaGpu).str();
          facts.push_back("**quota:** " + q);
        }
      }
    } else if (s.kind != sema::SymbolKind::Check && s.kind != sema::SymbolKind::Project) {
      if (sema::Symbol* owner = a.program->ownerOf(&s)) facts.push_back("**owner:** `" + owner->name.str() + "`");
      if (std::optional<std::string> items = fanOutItemsText(*a.program, s)) facts.push_back(*items);
    }
    if (s.module && s.module->stdlib) facts.push_back("*from the standard library (`" + s.module->name + "`)*");
    else if (s.module && s.module != a.program->root())
      facts.push_back("*declared in `" + llvm::sys::path::filename(s.module->path).str() + "`*");
    if (!facts.empty()) {
      out += "\n";
      for (const std::string& f : facts) out += f + "  \n";
    }
    return out;
  }

  json hover(const json& params) {
    At p = at(params);
    Occurrence o = occurrenceAt(*p.analysis, p.offset);
    std::string text;
    if (sema::Symbol* s = symbolOf(*p.analysis, o)) {
      text = symbolHover(*p.analysis, *s);
    } else if (o.kind == Occurrence::Kind::MemberName && o.schema) {
      const sema::PropertySpec* spec = o.schema->find(o.member->name.text);
      if (!spec) return nullptr;
      text = "```mlops\n" + spec->name.str() + " : " + sema::describeType(*spec->type) + "\n```\n\n" + spec->doc.str() +
             (spec->required ? "\n\n*required in " + o.schema->what.str() + "*" : "\n\n*optional in " + o.schema->what.str() + "*");
      // On `foreach` or `matrix`: the nodes it makes.
      if (const sema::Symbol* d = p.analysis->program && o.decl ? p.analysis->program->symbolOf.lookup(o.decl) : nullptr)
        if (spec->type->kind == sema::TypeKind::FanOut)
          if (std::optional<std::string> items = fanOutItemsText(*p.analysis->program, *d)) text += "\n\n" + *items;
    } else if (o.kind == Occurrence::Kind::MemberAddress && p.analysis->program) {
      std::optional<std::string> keys = memberAddressHover(*p.analysis->program, o.address->value);
      if (!keys) return nullptr;
      text = *keys;
    } else if (std::optional<std::string> param = paramHover(*p.analysis, p.offset)) {
      return {{"contents", {{"kind", "markdown"}, {"value", *param}}}};
    } else {
      return nullptr;
    }
    return {{"contents", {{"kind", "markdown"}, {"value", text}}}, {"range", range(*p.analysis, o.range)}};
  }

  json definition(const json& params) {
    At p = at(params);
    sema::Symbol* s = symbolOf(*p.analysis, occurrenceAt(*p.analysis, p.offset));
    if (!s || !s->decl) return nullptr;
    return location(*p.analysis, s->decl->name.range);
  }

  json references(const json& params) {
    At p = at(params);
    sema::Symbol* s = symbolOf(*p.analysis, occurrenceAt(*p.analysis, p.offset));
    json out = json::array();
    if (!s) return out;
    bool withDeclaration = params.contains("context") && params["context"].value("includeDeclaration", false);
    std::vector<llvm::SMRange> all = occurrencesOf(*p.analysis, s);
    for (size_t i = 0; i < all.size(); ++i) {
      if (i == 0 && s->decl && !withDeclaration) continue;
      out.push_back(location(*p.analysis, all[i]));
    }
    return out;
  }

  sema::Symbol* renameTarget(const At& p, Occurrence& o) {
    o = occurrenceAt(*p.analysis, p.offset);
    sema::Symbol* s = symbolOf(*p.analysis, o);
    if (!s || !s->decl) throw ResponseError{RequestFailed, "there is no declaration to rename here"};
    if (s->module && s->module->stdlib)
      throw ResponseError{RequestFailed, "`" + s->name.str() + "` is declared in the standard library and cannot be renamed"};
    return s;
  }

  json prepareRename(const json& params) {
    At p = at(params);
    Occurrence o;
    sema::Symbol* s = renameTarget(p, o);
    llvm::SMRange r = o.kind == Occurrence::Kind::PathSegment ? segmentNaming(*o.path, *s) : o.range;
    return {{"range", range(*p.analysis, r)}, {"placeholder", s->name.str()}};
  }

  json rename(const json& params) {
    At p = at(params);
    Occurrence o;
    sema::Symbol* s = renameTarget(p, o);
    std::string newName = params.at("newName");
    bool identifier = !newName.empty() && (std::isalpha(static_cast<unsigned char>(newName[0])) || newName[0] == '_') &&
                      std::all_of(newName.begin(), newName.end(),
                                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!identifier) throw ResponseError{RequestFailed, "`" + newName + "` is not a name: expected letters, digits and `_`, not starting with a digit"};
    if (syntax::classifyWord(newName) != syntax::TokenKind::Ident)
      throw ResponseError{RequestFailed, "`" + newName + "` is a keyword of the language and cannot name a declaration"};
    if (newName == s->name) return {{"changes", json::object()}};
    if (sema::Symbol* clash = p.analysis->program->lookup(newName)) {
      std::string where;
      if (clash->decl) {
        json r = range(*p.analysis, clash->decl->name.range);
        where = " declared at " + llvm::sys::path::filename(p.analysis->pathOf(clash->decl->name.range.Start)).str() + ":" +
                std::to_string(r["start"]["line"].get<int>() + 1);
      }
      throw ResponseError{RequestFailed, "renaming `" + s->name.str() + "` to `" + newName + "` would clash with " +
                                             sema::kindName(clash->kind).str() + " `" + newName + "`" + where};
    }
    json changes = json::object();
    for (llvm::SMRange r : occurrencesOf(*p.analysis, s)) {
      std::string uri = uriOf(*p.analysis, r.Start);
      if (!changes.contains(uri)) changes[uri] = json::array();
      changes[uri].push_back({{"range", range(*p.analysis, r)}, {"newText", newName}});
    }
    return {{"changes", changes}};
  }

  json completion(const json& params) {
    At p = at(params);
    json items = json::array();
    for (const CompletionItem& c : complete(*p.analysis, p.offset)) {
      json item = {{"label", c.label}, {"kind", c.kind}};
      if (!c.detail.empty()) item["detail"] = c.detail;
      if (!c.documentation.empty()) item["documentation"] = {{"kind", "markdown"}, {"value", c.documentation}};
      if (c.replaces) {
        item["textEdit"] = {{"range", offsetRange(*p.doc, c.replaceFrom, p.offset)}, {"newText", c.insertText}};
        item["filterText"] = c.insertText;
      } else if (!c.insertText.empty()) {
        item["insertText"] = c.insertText;
      }
      items.push_back(std::move(item));
    }
    return {{"isIncomplete", false}, {"items", items}};
  }

  static int symbolKind(ast::DeclKind k) {
    switch (k) {
      case ast::DeclKind::Project: return 2;   // Module
      case ast::DeclKind::Use: return 4;       // Package
      case ast::DeclKind::Import: return 1;    // File
      case ast::DeclKind::Role: return 5;      // Class
      case ast::DeclKind::Kpi: return 14;      // Constant
      case ast::DeclKind::Data: return 23;     // Struct
      case ast::DeclKind::Step: return 12;     // Function
      case ast::DeclKind::Model: return 19;    // Object
      case ast::DeclKind::Test: return 6;      // Method
      case ast::DeclKind::Gate: return 11;     // Interface
      case ast::DeclKind::Deploy: return 24;   // Event
      case ast::DeclKind::Monitor: return 24;  // Event
      case ast::DeclKind::Pipeline: return 3;  // Namespace
      case ast::DeclKind::Check: return 12;    // Function
    }
    return 13;
  }

  json blockSymbols(const Analysis& a, const ast::Block* b) const {
    json out = json::array();
    if (!b) return out;
    for (const ast::Member* m : b->members) {
      if (m->kind() == ast::MemberKind::Expect || m->name.text.empty()) continue;
      json s = {{"name", m->name.text.str()},
                {"kind", m->kind() == ast::MemberKind::Column ? 8 : 7},
                {"range", range(a, m->range)},
                {"selectionRange", range(a, m->name.range)}};
      if (auto* n = llvm::dyn_cast<ast::NestedBlockMember>(m)) s["children"] = blockSymbols(a, n->body);
      if (auto* c = llvm::dyn_cast<ast::ColumnMember>(m)) s["detail"] = typeText(c->type);
      out.push_back(std::move(s));
    }
    return out;
  }

  json documentSymbols(const json& params) {
    Document& d = document(params.at("textDocument").at("uri"));
    Analysis& a = analysis(d);
    json out = json::array();
    if (!a.file) return out;
    for (const ast::Decl* decl : a.file->decls) {
      std::string name = decl->name.text.str();
      llvm::SMRange selection = decl->name.range;
      if (auto* u = llvm::dyn_cast<ast::UseDecl>(decl)) {
        for (const ast::Name& n : u->module) name += (name.empty() ? "" : ".") + n.text.str();
        selection = decl->keywordRange;
      } else if (auto* i = llvm::dyn_cast<ast::ImportDecl>(decl)) {
        name = i->path ? i->path->value.str() : "import";
        selection = decl->keywordRange;
      }
      if (name.empty()) name = ast::keyword(decl->kind()).str();
      if (!selection.Start.isValid()) selection = decl->range;
      json s = {{"name", name},
                {"detail", ast::keyword(decl->kind()).str()},
                {"kind", symbolKind(decl->kind())},
                {"range", range(a, decl->range)},
                {"selectionRange", range(a, selection)}};
      if (decl->body) s["children"] = blockSymbols(a, decl->body);
      out.push_back(std::move(s));
    }
    return out;
  }

  json formatting(const json& params) {
    Document& d = document(params.at("textDocument").at("uri"));
    llvm::SourceMgr sources;
    diag::DiagnosticEngine diags(sources);
    unsigned id = sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(d.text, d.path), llvm::SMLoc());
    format::FormatResult r = format::formatBuffer(diags, id);
    if (r.status == format::FormatResult::Status::SyntaxErrors)
      throw ResponseError{RequestFailed, "the document has syntax errors: fix them before formatting"};
    if (r.status == format::FormatResult::Status::Unsafe)
      throw ResponseError{RequestFailed, "not formatted: " + r.problem + " (a formatter bug; please report it)"};
    // Minimal edits: one per changed run of lines, so the cursor and
    // folds away from the changes stay put.
    std::vector<llvm::StringRef> oldLines = format::splitLines(d.text), newLines = format::splitLines(r.text);
    std::vector<size_t> starts;
    size_t off = 0;
    for (llvm::StringRef l : oldLines) {
      starts.push_back(off);
      off += l.size();
    }
    starts.push_back(d.text.size());
    json edits = json::array();
    for (const format::LineChange& c : format::diffLines(oldLines, newLines)) {
      std::string text;
      for (size_t k = 0; k < c.newCount; ++k) text += newLines[c.newStart + k].str();
      edits.push_back({{"range", offsetRange(d, starts[c.oldStart], starts[c.oldStart + c.oldCount])}, {"newText", text}});
    }
    return edits;
  }

  json codeActions(const json& params) {
    Document& d = document(params.at("textDocument").at("uri"));
    Analysis& a = analysis(d);
    size_t from = a.lines.offset(position(params.at("range").at("start")), encoding_);
    size_t to = a.lines.offset(position(params.at("range").at("end")), encoding_);
    json actions = json::array();
    for (const diag::Diagnostic* diagnostic : documentDiagnostics(a)) {
      if (diagnostic->fixits.empty() || !diagnostic->range.Start.isValid()) continue;
      size_t s = a.offset(diagnostic->range.Start), e = diagnostic->range.End.isValid() ? a.offset(diagnostic->range.End) : s;
      if (e < from || s > to) continue;
      json edits = json::array();
      std::string title;
      for (const diag::FixIt& f : diagnostic->fixits) {
        if (!a.inDocument(f.range.Start)) continue;
        edits.push_back({{"range", range(a, f.range)}, {"newText", f.replacement}});
        bool insertion = f.range.Start == f.range.End || !f.range.End.isValid();
        if (title.empty())
          title = f.replacement.empty() ? "remove `" + sourceText(f.range) + "`"
                  : insertion          ? "insert `" + f.replacement + "`"
                                       : "change `" + sourceText(f.range) + "` to `" + f.replacement + "`";
      }
      if (edits.empty()) continue;
      if (diagnostic->fixits.size() > 1) title = "apply the suggested fix";
      actions.push_back({{"title", title},
                         {"kind", "quickfix"},
                         {"diagnostics", json::array({diagnosticJson(a, *diagnostic)})},
                         {"isPreferred", diagnostic->fixits.size() == 1},
                         {"edit", {{"changes", {{d.uri, edits}}}}}});
    }
    return actions;
  }

  Transport transport_;
  ServerOptions options_;
  MessageQueue queue_;
  std::mutex cancelMutex_;
  std::set<std::string> cancelled_;
  std::atomic<bool> stopping_{false};
  bool initialized_ = false;
  bool shutdown_ = false;
  Encoding encoding_ = Encoding::Utf16;
  std::map<std::string, Document> documents_;
};

}  // namespace

int runServer(std::FILE* in, std::FILE* out, const ServerOptions& options) {
  Server server(in, out, options);
  return server.run();
}

int runServerOnThisThread(std::FILE* in, std::FILE* out, const ServerOptions& options) {
  Server server(in, out, options);
  return server.runOnThisThread();
}

}  // namespace mlops::lsp
