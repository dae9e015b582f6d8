//! The message loop: requests are answered in order; text changes only mark a document, and
//! the analysis runs once the queue is empty, on each changed document's latest text.

use super::analyzer::Analyzer;
use super::documents::{self, Documents};
use super::transport::Connection;
use super::{actions, completion, convert, formatting, hover, sets};
use crate::source::Source;
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, InitializeResult,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the session is in the protocol's life cycle.
#[derive(PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

pub(super) struct Server<'a> {
    analyzer: Analyzer<'a>,
    conn: Connection,
    docs: Documents,
    state: State,
}

/// What the capabilities promise; every one is answered below.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["(".into(), ",".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// How a session ended: `Ok` after `shutdown` and `exit`, else why not.
type Ended = Result<(), String>;

/// A request's answer: its result, or an error code and message.
type Answer = Result<Value, (ErrorCode, String)>;

fn params<P: DeserializeOwned>(r: &Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(r.params.clone()).map_err(|e| {
        (
            ErrorCode::InvalidParams,
            format!("invalid {} params: {e}", r.method),
        )
    })
}

fn json<T: serde::Serialize>(v: T) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

impl<'a> Server<'a> {
    pub(super) fn new(analyzer: Analyzer<'a>, conn: Connection) -> Self {
        Self {
            analyzer,
            conn,
            docs: Documents::default(),
            state: State::Uninitialized,
        }
    }

    fn send(&mut self, m: &Message) -> Result<(), String> {
        (self.conn.out)(m).map_err(|e| format!("cannot write to standard output: {e}"))
    }

    /// Runs until `exit` or the end of input.
    pub(super) fn serve(mut self) -> Result<(), String> {
        while let Ok(first) = self.conn.receiver.recv() {
            if let Some(done) = self.handle(first)? {
                return done;
            }
            // Everything already queued is handled before any analysis, so a burst of
            // changes costs one analysis of the latest text.
            while let Ok(next) = self.conn.receiver.try_recv() {
                if let Some(done) = self.handle(next)? {
                    return done;
                }
            }
            self.analyze_changed()?;
        }
        // The client closed its end without `exit`.
        if self.state == State::ShutDown {
            Ok(())
        } else {
            Err("the client closed the connection without `shutdown` and `exit`".into())
        }
    }

    /// Handles one message: `Err` when the client cannot be written to, `Ok(Some(end))`
    /// when the session is over (`end` says whether it ended as the protocol asks).
    fn handle(&mut self, m: Message) -> Result<Option<Ended>, String> {
        match m {
            Message::Request(r) => {
                let answer = self.answer(&r);
                let response = match answer {
                    Ok(v) => Response::new_ok(r.id, v),
                    Err((code, msg)) => Response::new_err(r.id, code as i32, msg),
                };
                self.send(&Message::Response(response))?;
                Ok(None)
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                Ok(Some(if self.state == State::ShutDown {
                    Ok(())
                } else {
                    Err("`exit` before `shutdown`".into())
                }))
            }
            Message::Notification(n) => {
                self.notify(&n);
                Ok(None)
            }
            // The server sends no requests, so answers are unexpected: ignored.
            Message::Response(_) => Ok(None),
        }
    }

    fn answer(&mut self, r: &Request) -> Answer {
        match (&self.state, r.method.as_str()) {
            (State::Uninitialized, req::Initialize::METHOD) => {
                self.state = State::Running;
                json(InitializeResult {
                    capabilities: capabilities(),
                    server_info: Some(ServerInfo {
                        name: "corsc".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                })
            }
            (State::Uninitialized, _) => Err((
                ErrorCode::ServerNotInitialized,
                "`initialize` comes first".into(),
            )),
            (State::ShutDown, _) => Err((
                ErrorCode::InvalidRequest,
                "the server is shut down; only `exit` is accepted".into(),
            )),
            (State::Running, req::Initialize::METHOD) => Err((
                ErrorCode::InvalidRequest,
                "`initialize` was already sent".into(),
            )),
            (State::Running, req::Shutdown::METHOD) => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            (State::Running, _) => self.feature(r),
        }
    }

    /// The language features. A document the server does not know gets an empty answer.
    fn feature(&mut self, r: &Request) -> Answer {
        // Requests read the latest analysis: a change queued before them is analysed first.
        self.analyze_changed()
            .map_err(|e| (ErrorCode::InternalError, e))?;
        match r.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(r)?;
                let d = &p.text_document_position_params;
                json(
                    self.doc(&d.text_document.uri)
                        .and_then(|doc| hover::hover(doc, d.position)),
                )
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(r)?;
                let uri = p.text_document.uri.clone();
                json(
                    self.doc(&uri)
                        .map(|doc| actions::actions(&uri, doc, p.range)),
                )
            }
            req::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(r)?;
                json(self.doc(&p.text_document.uri).map(formatting::edits))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(r)?;
                let d = &p.text_document_position_params;
                let uri = d.text_document.uri.clone();
                json(
                    self.doc(&uri)
                        .and_then(|doc| sets::definition(&uri, doc, d.position)),
                )
            }
            req::References::METHOD => {
                let p: lsp_types::ReferenceParams = params(r)?;
                let d = &p.text_document_position;
                let uri = d.text_document.uri.clone();
                json(self.doc(&uri).map(|doc| {
                    sets::references(&uri, doc, d.position, p.context.include_declaration)
                }))
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(r)?;
                let d = &p.text_document_position;
                let uri = d.text_document.uri.clone();
                json(
                    self.doc(&uri)
                        .map(|doc| completion::complete(uri.as_str(), doc, d.position)),
                )
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("`{other}` is not supported"),
            )),
        }
    }

    fn doc(&self, uri: &Uri) -> Option<&documents::Document> {
        self.docs.open.get(uri.as_str())
    }

    /// Document notifications; anything else (and anything malformed) is ignored, as the
    /// protocol asks of notifications.
    fn notify(&mut self, n: &Notification) {
        if self.state != State::Running {
            return;
        }
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params.clone())
                {
                    let d = p.text_document;
                    self.docs.set(d.uri.as_str().to_string(), d.text, d.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    n.params.clone(),
                ) {
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        let d = p.text_document;
                        self.docs
                            .set(d.uri.as_str().to_string(), change.text, d.version);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    n.params.clone(),
                ) {
                    self.docs.open.remove(p.text_document.uri.as_str());
                    let _ = self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    fn publish(
        &mut self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), String> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
        self.send(&Message::Notification(n))
    }

    /// Analyses every document changed since its last analysis and publishes the findings.
    fn analyze_changed(&mut self) -> Result<(), String> {
        let dirty: Vec<String> = self
            .docs
            .open
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for key in dirty {
            let Ok(uri) = key.parse::<Uri>() else {
                continue;
            };
            let Some(doc) = self.docs.open.get_mut(&key) else {
                continue;
            };
            doc.dirty = false;
            if completion::is_manifest(&key) {
                continue;
            }
            let path = file_path(&key);
            let name = path
                .as_ref()
                .map_or_else(|| key.clone(), |p| p.display().to_string());
            let source = Source::new(name, doc.text.as_str());
            let (diags, ast) = match crate::pipeline::parse(&source) {
                Err(d) => (d, None),
                Ok(file) => {
                    let cfg = match &path {
                        Some(p) => (self.analyzer.config)(p),
                        None => Ok(crate::lint::LintConfig::default()),
                    };
                    match cfg {
                        Ok(cfg) => {
                            let mut d = crate::pipeline::lint_file(&file, &cfg, None);
                            (self.analyzer.clean_fixes)(&source, &mut d);
                            (d, Some(file))
                        }
                        Err(why) => {
                            let cfg = crate::lint::LintConfig::default();
                            let mut d = crate::pipeline::lint_file(&file, &cfg, None);
                            (self.analyzer.clean_fixes)(&source, &mut d);
                            eprintln!("corsc lsp: {why}; linting with the default levels");
                            (d, Some(file))
                        }
                    }
                }
            };
            let lsp: Vec<_> = diags
                .iter()
                .map(|d| convert::diagnostic(&uri, &doc.text, d))
                .collect();
            doc.diagnostics = diags;
            doc.ast = ast;
            let version = Some(doc.version);
            self.publish(uri, lsp, version)?;
        }
        Ok(())
    }
}

/// The path of a `file:` URI; other schemes (an unsaved buffer) have none, and their
/// documents are linted with the default levels.
pub(super) fn file_path(uri: &str) -> Option<std::path::PathBuf> {
    let url = url::Url::parse(uri).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}
