//! The spanned syntax tree. It mirrors the grammar and keeps every literal as written; meaning
//! and normalization belong to the checker.

use crate::source::{Span, Spanned};

/// A parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// Something at the top level of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `origins NAME = [ … ]`
    Set(SetDecl),
    /// `policy NAME { … }`
    Policy(PolicyDecl),
    /// A directive outside any block (e.g. `owner proxy`).
    Directive(Directive),
}

/// A named origin set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetDecl {
    /// Suppressions written above it.
    pub attributes: Vec<Attribute>,
    /// Its name.
    pub name: Spanned<String>,
    /// Its entries.
    pub values: ValueList,
    /// The whole declaration.
    pub span: Span,
}

/// A policy block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDecl {
    /// Suppressions written above it.
    pub attributes: Vec<Attribute>,
    /// Its name.
    pub name: Spanned<String>,
    /// Directives and profiles, in source order.
    pub body: Vec<BodyItem>,
    /// The whole block.
    pub span: Span,
}

/// What a policy block contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyItem {
    /// A directive of the base policy.
    Directive(Directive),
    /// A profile overlay.
    Profile(ProfileDecl),
}

/// `profile NAME { … }` inside a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileDecl {
    /// Suppressions written above it.
    pub attributes: Vec<Attribute>,
    /// Its name.
    pub name: Spanned<String>,
    /// Its directives.
    pub directives: Vec<Directive>,
    /// The whole block.
    pub span: Span,
}

/// How a profile directive combines with the base policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`: replace.
    Replace,
    /// `+=`: add to the list.
    Add,
}

/// `name [op] values`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Suppressions written above it.
    pub attributes: Vec<Attribute>,
    /// The directive name as written.
    pub name: Spanned<String>,
    /// The operator, if any.
    pub op: Option<Spanned<AssignOp>>,
    /// The values.
    pub values: ValueList,
    /// Name through last value.
    pub span: Span,
}

/// A list of values and the span that holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueList {
    /// The values in order.
    pub values: Vec<Value>,
    /// From the first value (or `[`) to the last value (or `]`).
    pub span: Span,
    /// Whether the list was written in brackets.
    pub bracketed: bool,
}

/// One value, with its lexical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// What kind of token it is.
    pub kind: ValueKind,
    /// The whole token, quotes included.
    pub span: Span,
}

/// The lexical kinds of values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `"…"`, unescaped.
    String(String),
    /// `regex "…"`, unescaped.
    Regex(String),
    /// `*`
    Star,
    /// A bare word: `GET`, `true`, `10m`, `null`, a set name…
    Word(String),
}

impl ValueKind {
    /// How the kind is named in messages ("a string", "the word `GET`").
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            ValueKind::String(s) => format!("the string `\"{s}\"`"),
            ValueKind::Regex(_) => "a regex".to_string(),
            ValueKind::Star => "`*`".to_string(),
            ValueKind::Word(w) => format!("`{w}`"),
        }
    }
}

/// `@name(args, reason = "…")`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// `allow`, normally.
    pub name: Spanned<String>,
    /// Rule names or codes.
    pub args: Vec<Spanned<String>>,
    /// The reason, if written.
    pub reason: Option<Spanned<String>>,
    /// The whole attribute.
    pub span: Span,
}
