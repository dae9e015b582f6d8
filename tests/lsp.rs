//! `corsc lsp` spoken to as an editor would: JSON-RPC with Content-Length framing over the
//! binary's standard input and output. Every read has a timeout, so a hung server fails the
//! test instead of hanging it.

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for a response.
    notes: Vec<Value>,
    next_id: i64,
}

/// Reads Content-Length frames from the server until its output closes.
fn read_frames(out: impl Read, tx: std::sync::mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut len = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = Some(v.parse::<usize>().expect("a numeric Content-Length"));
            }
        }
        let mut body = vec![0; len.expect("a Content-Length header")];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if tx.send(v).is_err() {
            return;
        }
    }
}

impl Client {
    fn start() -> Client {
        let mut child = support::cli::command()
            .args(["lsp", "--isolated"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("corsc lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || read_frames(stdout, tx));
        Client {
            child,
            stdin,
            incoming,
            notes: Vec::new(),
            next_id: 1,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        self.raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        self.raw(&body);
    }

    fn next(&mut self) -> Value {
        self.incoming
            .recv_timeout(TIMEOUT)
            .expect("the server answered in time")
    }

    /// The whole response to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.next();
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return v;
            }
            self.notes.push(v);
        }
    }

    /// A request's result; fails on an error answer.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let v = self.call(method, params);
        assert!(v.get("error").is_none(), "{method}: {v}");
        v["result"].clone()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri` at `version` (earlier ones are skipped).
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        loop {
            let v = if let Some(i) = self.notes.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                self.notes.remove(i)
            } else {
                self.next()
            };
            if v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && v["params"]["version"] == json!(version)
            {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn initialize(&mut self) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "cors", "version": 1, "text": text}}),
        );
    }

    /// `shutdown`, `exit`, and the exit status.
    fn finish(mut self) -> Option<i32> {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> Option<i32> {
        drop(self.stdin);
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code();
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos(line, character)})
}

/// `bücher` has one two-byte character before the finding on line 5: the range counts UTF-16
/// units, not bytes.
const POLICY: &str = r#"# café ✓
origins shop = ["https://shop.example.com"]

policy api {
    methods GET, PUT, PUT
    origins "https://bücher.example", "https://app.example.com/", shop
    paths "/api/*"
}

policy preview {
    @allow(null-origin, reason = "sandboxed preview frames")
    origins null
    paths "/preview/*"
}
"#;

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_editor_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.cors");
    std::fs::write(&path, POLICY).unwrap();
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    let mut c = Client::start();

    let init = c.initialize();
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"], json!(1), "{init}");
    for cap in [
        "hoverProvider",
        "codeActionProvider",
        "documentFormattingProvider",
        "definitionProvider",
        "referencesProvider",
        "completionProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing: {init}");
    }

    // Diagnostics as `corsc lint` reports them.
    c.open(&uri, POLICY);
    let diags = c.diagnostics(&uri, 1);
    let cs = codes(&diags);
    assert!(cs.contains(&"C203".to_string()), "{diags:?}");
    assert!(cs.contains(&"Y408".to_string()), "{diags:?}");
    let path_finding = diags.iter().find(|d| d["code"] == "C203").unwrap();
    assert_eq!(path_finding["source"], "corsc");
    assert_eq!(path_finding["severity"], json!(1), "{path_finding}");
    // Line 5: 4 spaces, `origins `, `"https://bücher.example"` (24 units), `, `.
    assert_eq!(
        path_finding["range"],
        json!({"start": pos(5, 38), "end": pos(5, 64)}),
        "{path_finding}"
    );
    let dup = diags.iter().find(|d| d["code"] == "Y408").unwrap();
    assert!(
        dup["relatedInformation"][0]["location"]["range"]["start"] == pos(4, 17),
        "the first `PUT` is related information: {dup}"
    );

    // Hover: a directive, an origin entry (and its finding), a rule name in `@allow(`.
    let h = c.request("textDocument/hover", at(&uri, 4, 6));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("`methods`") && text.contains("PUT"), "{text}");
    let h = c.request("textDocument/hover", at(&uri, 5, 45));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Origin: https://app.example.com\n"), "{text}");
    assert!(text.contains("C203"), "{text}");
    let h = c.request("textDocument/hover", at(&uri, 5, 20));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Origin: https://xn--bcher-kva.example"),
        "{text}"
    );
    let h = c.request("textDocument/hover", at(&uri, 10, 12));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("null-origin"), "{text}");
    assert!(text.len() > 200, "the rule's documentation: {text}");

    // Quick fixes: the unsafe one says so and is not preferred; the safe one is.
    let range = json!({"start": pos(5, 40), "end": pos(5, 40)});
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let a = &actions[0];
    assert!(
        a["title"].as_str().unwrap().ends_with("(unsafe fix)"),
        "{a}"
    );
    assert_eq!(a["isPreferred"], json!(false));
    let edit = &a["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "\"https://app.example.com\"", "{a}");
    assert_eq!(edit["range"]["start"], pos(5, 38));
    let range = json!({"start": pos(4, 22), "end": pos(4, 22)});
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let safe = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().ends_with("(safe fix)"))
        .unwrap_or_else(|| panic!("a safe fix: {actions}"));
    assert_eq!(safe["isPreferred"], json!(true));

    // Formatting gives `corsc fmt`'s text.
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let fmt = support::cli::corsc()
        .args(["fmt", "-"])
        .write_stdin(POLICY)
        .output()
        .unwrap();
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        String::from_utf8(fmt.stdout).unwrap()
    );

    // Definition and references of the origin set `shop`.
    let def = c.request("textDocument/definition", at(&uri, 5, 67));
    assert_eq!(
        def["range"],
        json!({"start": pos(1, 8), "end": pos(1, 12)}),
        "{def}"
    );
    let mut refs = at(&uri, 1, 9);
    refs["context"] = json!({"includeDeclaration": true});
    let refs = c.request("textDocument/references", refs);
    let lines: Vec<_> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"].clone())
        .collect();
    assert_eq!(lines, vec![pos(1, 8), pos(5, 66)], "{refs}");

    // Completion: directives, methods, rule names, targets.
    let edited = POLICY.replace(
        "    methods GET, PUT, PUT\n",
        "    methods GET, \n    \n    @allow(\n",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let items = c.request("textDocument/completion", at(&uri, 4, 17));
    assert!(labels(&items).contains(&"PATCH".to_string()), "{items}");
    let items = c.request("textDocument/completion", at(&uri, 5, 4));
    let l = labels(&items);
    assert!(
        l.contains(&"origins".to_string()) && l.contains(&"max-age".to_string()),
        "{l:?}"
    );
    let items = c.request("textDocument/completion", at(&uri, 6, 11));
    assert!(
        labels(&items).contains(&"null-origin".to_string()),
        "{items}"
    );
    let manifest = url::Url::from_file_path(dir.path().join("corsc.yaml"))
        .unwrap()
        .to_string();
    c.open(&manifest, "build:\n  - policy: api.cors\n    target: \n");
    let items = c.request("textDocument/completion", at(&manifest, 2, 12));
    let l = labels(&items);
    assert!(
        l.contains(&"nginx".to_string()) && l.contains(&"apache".to_string()),
        "{l:?}"
    );

    // Two quick changes; the last one fixes every finding, and its analysis is empty.
    let fixed = "policy api {\n    origins \"https://app.example.com\"\n}\n";
    for (v, text) in [(3, "policy api {\n"), (4, fixed)] {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
        );
    }
    assert_eq!(c.diagnostics(&uri, 4), Vec::<Value>::new());

    assert_eq!(c.finish(), Some(0));
}

#[test]
fn garbage_input_does_not_stop_the_server() {
    let mut c = Client::start();
    // Before `initialize`, requests are refused.
    let early = c.call("textDocument/hover", at("file:///x.cors", 0, 0));
    assert_eq!(early["error"]["code"], json!(-32002), "{early}");
    c.initialize();
    c.raw(b"Content-Length: nope\r\n\r\n");
    c.raw(b"Content-Length: 5\r\n\r\n{oops");
    c.raw(b"Content-Length: 99999999999999\r\n\r\n");
    c.raw(b"Content-Length: 2\r\n\r\n[]");
    let unknown = c.call("corsc/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], json!(-32601), "{unknown}");
    let bad = c.call("textDocument/hover", json!({"nothing": true}));
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");
    // Notifications that make no sense are ignored.
    c.notify("textDocument/didOpen", json!({"textDocument": 5}));
    c.notify("textDocument/didChange", json!(null));
    // A document that is not a file is linted with the default levels.
    c.open(
        "untitled:Untitled-1",
        "policy api {\n    origins \"https://a.example/\"\n}\n",
    );
    assert_eq!(codes(&c.diagnostics("untitled:Untitled-1", 1)), ["C203"]);
    // A request for a document the server never saw has an empty answer.
    let h = c.request("textDocument/hover", at("file:///nowhere.cors", 0, 0));
    assert_eq!(h, Value::Null);
    // A text that does not parse: diagnostics, and formatting changes nothing.
    c.open(
        "untitled:broken",
        "policy api {\n    origins \"https://a.exa",
    );
    assert!(!c.diagnostics("untitled:broken", 1).is_empty());
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": "untitled:broken"}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_status() {
    let mut c = Client::start();
    c.initialize();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(1));
}

#[test]
fn a_closed_input_ends_the_server() {
    let mut c = Client::start();
    c.initialize();
    // No `shutdown`: the client vanished.
    assert_eq!(c.wait(), Some(1));
}
