Content-Length: 116

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"general":{"positionEncodings":["utf-8"]}}}}Content-Length: 233

{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:Untitled-1","languageId":"mlops","version":1,"text":"project p {\n  version = \"0.1.0\"  // caf\u00e9 \ud83d\ude00\n  risk_tier = low\n}\n"}}}Content-Length: 318

{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:Untitled-1","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":30},"end":{"line":1,"character":34}},"text":"\u00e9"},{"range":{"start":{"line":9,"character":0},"end":{"line":0,"character":0}},"text":""}]}}Content-Length: 152

{"jsonrpc":"2.0","id":2,"method":"textDocument/completion","params":{"textDocument":{"uri":"untitled:Untitled-1"},"position":{"line":2,"character":14}}}Content-Length: 128

{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":{"textDocument":{"uri":"untitled:Untitled-1"},"options":{}}}