Content-Length: 9

{not jsonContent-Type: x

{}Content-Length: 66

{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}Content-Length: 75

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}Content-Length: 75

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}Content-Length: 5

[1,2]Content-Length: 37

{"jsonrpc":"1.0","id":2,"method":"x"}Content-Length: 39

{"jsonrpc":"2.0","id":[3],"method":"x"}Content-Length: 43

{"jsonrpc":"2.0","id":4,"method":"no/such"}Content-Length: 62

{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":5}}Content-Length: 154

{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"position":{"line":0,"character":0}}}Content-Length: 105

{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"textDocument":{"uri":7},"position":"x"}}Content-Length: 147

{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///tmp/fuzz/spec.mlops"},"contentChanges":[{"text":"x"}]}}Content-Length: 38

{"jsonrpc":"2.0","id":7,"result":null}Content-Length: 99999

{"jsonrpc":"2.0"