//! Identifiers for policies in generated text: one allocator per output, so two policies never
//! share a name and no policy takes a name the output already uses.
//!
//! Policy names (`[A-Za-z_][A-Za-z0-9_-]*`) are mangled into identifiers of the target's
//! language: nginx variables, Apache environment variables, JavaScript constants, Rust and Go
//! functions. Mangling loses information (`A-B`, `a_b` and `a-b` all become `a_b`; Go's camel
//! case makes `a-b` and `a--b` both `aB`), and each policy derives several names from its stem
//! (`$corsc_api_origin`, `api_cors_layer`, `CORSC_API_PREFLIGHT`). A collision is a security
//! hole, not a cosmetic one: in nginx the later `map` silently replaces the earlier one, and on
//! Apache a policy named `preflight` would own the global preflight flag, so one policy would be
//! answered with another's origins and credentials.
//!
//! So every target declares an [`IdentScheme`]: how a name becomes a stem, every name a stem
//! derives (`{}` stands for the stem), and every name the output uses for itself (its helpers,
//! the words of its fixed code, the language's reserved words). [`allocate`] gives each policy
//! the first candidate stem (`stem`, `stem_2`, `stem_3`, …, each mangled again) none of whose
//! derived names has been taken, compared without case (nginx variable names ignore case, and
//! a case-only difference is no protection worth relying on), and takes them all.

use std::collections::BTreeSet;

/// How a policy name becomes the stem of its identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Lower-case ASCII letters, digits and `_`: `Tenant-API` → `tenant_api`.
    Snake,
    /// Lower camel case, never starting with a digit: `tenant-api` → `tenantApi`.
    Camel,
    /// Rust's snake case, which rustc's `non_snake_case` lint accepts: like [`Style::Snake`],
    /// with runs of `_` folded into one and none at either end (`__proto__` → `proto`).
    RustSnake,
}

/// What a target's output needs from policy identifiers.
#[derive(Clone, Copy, Debug)]
pub struct IdentScheme {
    /// How a name becomes a stem.
    pub style: Style,
    /// Every name a policy's stem derives in the output, `{}` standing for the stem:
    /// `["$corsc_{}_origin", "$corsc_{}_allowed"]`. Bare `{}` when the stem is used alone.
    pub derived: &'static [&'static str],
    /// Names the output already uses for itself: helpers, imports, globals.
    pub reserved: &'static [&'static str],
    /// The language's reserved words (see [`JS_RESERVED`], [`RUST_RESERVED`], [`GO_RESERVED`]).
    pub keywords: &'static [&'static str],
    /// Fixed code the target writes into every output: each identifier-like word in it is
    /// reserved too, so a helper added there later cannot collide with a policy.
    pub fixed_code: &'static [&'static str],
}

impl IdentScheme {
    /// A scheme for targets that name no policy in their output.
    pub const NONE: IdentScheme = IdentScheme {
        style: Style::Snake,
        derived: &["{}"],
        reserved: &[],
        keywords: &[],
        fixed_code: &[],
    };

    /// Every name this scheme reserves, case-folded.
    #[must_use]
    pub fn taken(&self) -> BTreeSet<String> {
        let mut taken: BTreeSet<String> = self
            .reserved
            .iter()
            .chain(self.keywords)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        for code in self.fixed_code {
            taken.extend(words(code).map(|w| w.to_ascii_lowercase()));
        }
        taken
    }

    /// The names a stem derives, in the order of [`IdentScheme::derived`].
    #[must_use]
    pub fn derive(&self, stem: &str) -> Vec<String> {
        self.derived.iter().map(|t| t.replace("{}", stem)).collect()
    }
}

/// Identifier-like words of code: `[A-Za-z_$][A-Za-z0-9_$]*`.
fn words(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$'))
}

/// A name as a stem of `style`.
#[must_use]
pub fn mangle(name: &str, style: Style) -> String {
    let snake: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    match style {
        Style::Snake => snake,
        Style::Camel => camel(&snake),
        Style::RustSnake => rust_snake(&snake),
    }
}

/// `__a__b_` → `a_b`; never empty, never starting with a digit.
fn rust_snake(snake: &str) -> String {
    let mut out = String::new();
    for part in snake.split('_').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('p');
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "p_");
    }
    out
}

/// `tenant_api` → `tenantApi`; never empty, never starting with a digit.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'p');
    }
    out
}

/// One stem per name, in the order given: unique, and none of the derived names of any two
/// policies, nor any of them and a reserved name, equal without regard to case.
#[must_use]
pub fn allocate(names: &[&str], scheme: &IdentScheme) -> Vec<String> {
    let mut taken = scheme.taken();
    let mut stems = Vec::with_capacity(names.len());
    for name in names {
        let base = mangle(name, Style::Snake);
        let mut n = 1usize;
        loop {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}_{n}")
            };
            // Mangled again after every step: the suffix must survive the style.
            let stem = mangle(&candidate, scheme.style);
            let derived: Vec<String> = scheme
                .derive(&stem)
                .iter()
                .map(|d| d.to_ascii_lowercase())
                .collect();
            let distinct: BTreeSet<&String> = derived.iter().collect();
            if distinct.len() == derived.len() && derived.iter().all(|d| !taken.contains(d)) {
                taken.extend(derived);
                stems.push(stem);
                break;
            }
            n += 1;
        }
    }
    stems
}

/// JavaScript's reserved words, strict-mode and module reserved words, and the global names a
/// CommonJS module must not shadow.
pub const JS_RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "arguments",
    "eval",
    "undefined",
    "NaN",
    "Infinity",
    "globalThis",
    "require",
    "module",
    "exports",
    "__filename",
    "__dirname",
    "Object",
    "Array",
    "String",
    "Symbol",
    "Set",
    "Map",
    "RegExp",
    "Promise",
    "Error",
    "JSON",
    "Reflect",
    "process",
    "Buffer",
    "console",
    "__proto__",
    "constructor",
    "prototype",
];

/// Rust's keywords, strict and reserved, and the prelude names a module-level item would
/// shadow confusingly.
pub const RUST_RESERVED: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union", "Some", "None",
    "Ok", "Err", "Vec", "Option", "Result", "String", "Box",
];

/// Go's keywords and predeclared identifiers.
pub const GO_RESERVED: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "true",
    "false",
    "iota",
    "nil",
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "init",
    "main",
];

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEME: IdentScheme = IdentScheme {
        style: Style::Snake,
        derived: &["$corsc_{}_origin", "$corsc_{}_allowed"],
        reserved: &["$corsc_preflight", "$corsc_has_origin"],
        keywords: &[],
        fixed_code: &["map $x $corsc_is_options { }"],
    };

    fn all_derived(names: &[&str], scheme: &IdentScheme) -> Vec<String> {
        allocate(names, scheme)
            .iter()
            .flat_map(|s| scheme.derive(s))
            .map(|d| d.to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn mangled_look_alikes_get_distinct_stems() {
        let names = ["A-B", "A-B-2", "A-b", "a_b", "a-b-2", "a__b"];
        let stems = allocate(&names, &SCHEME);
        let unique: BTreeSet<&String> = stems.iter().collect();
        assert_eq!(unique.len(), names.len(), "{stems:?}");
        assert_eq!(stems[0], "a_b");
    }

    #[test]
    fn a_suffix_is_checked_again_after_it_is_added() {
        // The old rule added `_N` once (N = position) and never checked: `A-B-3` and the
        // third policy `A-b` both became `a_b_3`.
        let stems = allocate(&["A-B", "A-B-3", "A-b"], &SCHEME);
        assert_eq!(stems, ["a_b", "a_b_3", "a_b_2"]);
    }

    #[test]
    fn derived_names_never_meet_reserved_or_each_other() {
        // `has` would derive `$corsc_has_origin`, a helper of the output.
        let names = ["has", "is", "preflight", "x", "x_origin", "HAS"];
        let derived = all_derived(&names, &SCHEME);
        let taken = SCHEME.taken();
        let unique: BTreeSet<&String> = derived.iter().collect();
        assert_eq!(unique.len(), derived.len(), "{derived:?}");
        for d in &derived {
            assert!(!taken.contains(d), "{d} is reserved");
        }
    }

    #[test]
    fn words_of_fixed_code_are_reserved() {
        let scheme = IdentScheme {
            derived: &["{}"],
            fixed_code: &["function isPreflight(req) { return policy(spec); }"],
            ..SCHEME
        };
        let stems = allocate(&["policy", "spec", "req", "other"], &scheme);
        assert_eq!(stems, ["policy_2", "spec_2", "req_2", "other"]);
    }

    #[test]
    fn keywords_are_never_stems() {
        let scheme = IdentScheme {
            derived: &["{}"],
            keywords: JS_RESERVED,
            ..SCHEME
        };
        let stems = allocate(&["class", "default", "import", "True", "yield"], &scheme);
        for s in &stems {
            assert!(!JS_RESERVED.contains(&s.as_str()), "{s}");
        }
    }

    #[test]
    fn go_camel_case_collisions_are_resolved() {
        let scheme = IdentScheme {
            style: Style::Camel,
            derived: &["{}Cors", "{}Exact"],
            keywords: GO_RESERVED,
            ..IdentScheme::NONE
        };
        let stems = allocate(&["a-b", "a--b", "a_b", "aB"], &scheme);
        let unique: BTreeSet<String> = stems.iter().map(|s| s.to_ascii_lowercase()).collect();
        assert_eq!(unique.len(), 4, "{stems:?}");
        assert_eq!(stems[0], "aB");
        assert_eq!(mangle("2fa", Style::Camel), "p2fa");
        assert_eq!(mangle("_", Style::Camel), "p");
    }

    #[test]
    fn rust_stems_have_no_double_or_edge_underscores() {
        let scheme = IdentScheme {
            style: Style::RustSnake,
            derived: &["{}_cors"],
            keywords: RUST_RESERVED,
            ..IdentScheme::NONE
        };
        let names = ["a__b", "a_b", "__proto__", "_", "__", "proto", "_2fa"];
        let stems = allocate(&names, &scheme);
        for s in &stems {
            assert!(
                !s.contains("__") && !s.starts_with('_') && !s.ends_with('_'),
                "{s}"
            );
        }
        let unique: BTreeSet<&String> = stems.iter().collect();
        assert_eq!(unique.len(), names.len(), "{stems:?}");
    }
}
