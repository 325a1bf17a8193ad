Content-Length: 75

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}Content-Length: 52

{"jsonrpc":"2.0","method":"initialized","params":{}}Content-Length: 593

{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops","languageId":"mlops","version":1,"text":"project p {\n  version   = \"0.1.0\"\n  risk_tier = low\n}\nuse std.roles\nrole ds : data_scientist { members = [\"d@x.example\"] }\ndata d {\n  owner  = ds\n  source = file(\"d.csv\")\n  format = csv\n}\nmodel m {\n  owner   = ds\n  inputs  = [d]\n  run     = \"fit ${inputs.d} ${outputs.model}\"\n  outputs { model = \"m.bin\"  metrics = \"metrics.json\" }\n  metrics = outputs.metrics\n}\ntest auc on m { expect metrics.auc >= 0.7 }\n"}}}Content-Length: 156

{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":13,"character":14}}}Content-Length: 161

{"jsonrpc":"2.0","id":3,"method":"textDocument/definition","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":13,"character":14}}}Content-Length: 197

{"jsonrpc":"2.0","id":4,"method":"textDocument/references","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":6,"character":5},"context":{"includeDeclaration":true}}}Content-Length: 160

{"jsonrpc":"2.0","id":5,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":8,"character":11}}}Content-Length: 127

{"jsonrpc":"2.0","id":6,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"}}}Content-Length: 162

{"jsonrpc":"2.0","id":7,"method":"textDocument/prepareRename","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":6,"character":5}}}Content-Length: 171

{"jsonrpc":"2.0","id":8,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":6,"character":5},"newName":"sci"}}Content-Length: 238

{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops","version":2},"contentChanges":[{"range":{"start":{"line":2,"character":14},"end":{"line":2,"character":17}},"text":"hihg"}]}}Content-Length: 226

{"jsonrpc":"2.0","id":9,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"range":{"start":{"line":2,"character":0},"end":{"line":3,"character":0}},"context":{"diagnostics":[]}}}Content-Length: 168

{"jsonrpc":"2.0","id":10,"method":"textDocument/formatting","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"options":{"tabSize":2,"insertSpaces":true}}}Content-Length: 113

{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"}}}Content-Length: 114

{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"}}}Content-Length: 45

{"jsonrpc":"2.0","id":11,"method":"shutdown"}Content-Length: 33

{"jsonrpc":"2.0","method":"exit"}