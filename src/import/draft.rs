//! What an import reads out of a configuration, before it is written as a `.cors` policy.
//!
//! Every importer fills the same plain model, with the place in its input that each value came
//! from ([`Loc`]). The model is deliberately close to the language's directives and nothing
//! more: an importer says *what* the configuration allows; [`super::render`] alone decides how
//! that is spelled, escaped and commented, so no importer can inject text into the policy.

use crate::source::Span;

/// A place in one of the import's input files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    /// Index into the import's sources ([`super::Context::sources`]).
    pub file: usize,
    /// The bytes of that file.
    pub span: Span,
}

impl Loc {
    /// A place in file `file`, bytes `start..end`.
    #[must_use]
    pub fn new(file: usize, start: usize, end: usize) -> Self {
        Loc {
            file,
            span: Span::new(start, end),
        }
    }
}

/// A value, where it was read, and a comment to write beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Noted<T> {
    /// The value.
    pub value: T,
    /// Where the input says it; `None` for a value the format implies.
    pub at: Option<Loc>,
    /// A comment written at the end of its line in the policy.
    pub comment: Option<String>,
}

impl<T> Noted<T> {
    /// A value read at `at`.
    pub fn at(value: T, at: Loc) -> Self {
        Noted {
            value,
            at: Some(at),
            comment: None,
        }
    }

    /// A value the format implies, with the comment that says so.
    pub fn implied(value: T, comment: impl Into<String>) -> Self {
        Noted {
            value,
            at: None,
            comment: Some(comment.into()),
        }
    }

    /// The same value with a comment.
    #[must_use]
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// One allowed origin as the policy language writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginValue {
    /// A quoted origin or origin pattern: `"https://a.example"`, `"https://*.a.example"`.
    Origin(String),
    /// `regex "…"`: the pattern as the language's regex dialect reads it.
    Regex(String),
    /// `*`: every origin (also what reflecting any `Origin` amounts to).
    Any,
    /// `null`.
    Null,
}

/// One policy: a path scope and what it allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftPolicy {
    /// A name; [`super::render`] turns it into a unique identifier.
    pub name: String,
    /// Where the scope is configured (an nginx `location`, a Django settings file…).
    pub at: Option<Loc>,
    /// Comments written above the policy.
    pub comments: Vec<String>,
    /// `paths`: `"/api/*"` or `"/health"`; empty for every path.
    pub paths: Vec<Noted<String>>,
    /// `origins`.
    pub origins: Vec<Noted<OriginValue>>,
    /// Values known only at run time: each becomes a comment in the origins list and allows
    /// nothing (the text says what the input computes them from).
    pub placeholders: Vec<Noted<String>>,
    /// `methods`; `None` when the input does not say (the language's default).
    pub methods: Option<Vec<Noted<String>>>,
    /// `request-headers` (`*`, `mirror` or names); `None` when the input does not say.
    pub request_headers: Option<Vec<Noted<String>>>,
    /// `expose-headers`; `None` when the input does not say.
    pub expose_headers: Option<Vec<Noted<String>>>,
    /// `credentials`.
    pub credentials: Option<Noted<bool>>,
    /// `max-age`, in seconds.
    pub max_age: Option<Noted<u64>>,
    /// `private-network`.
    pub private_network: Option<Noted<bool>>,
}

impl DraftPolicy {
    /// An empty policy named `name`, configured at `at`.
    #[must_use]
    pub fn new(name: impl Into<String>, at: Option<Loc>) -> Self {
        DraftPolicy {
            name: name.into(),
            at,
            ..DraftPolicy::default()
        }
    }
}

/// Everything one import read: the policies and comments for the top of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// Comment lines for the top of the policy file.
    pub header: Vec<String>,
    /// The policies, in the order of the input.
    pub policies: Vec<DraftPolicy>,
}
