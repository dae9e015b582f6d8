//! The package a generated Java class declares: `corsc.generated` unless the user names one
//! (`--java-package`, a manifest entry's `java-package:`).
//!
//! The name is written into `package NAME;` and the output's header comment, so it is parsed
//! here into a value that can hold nothing else: dot-separated segments, each an ASCII Java
//! identifier (a letter, `_` or `$`, then letters, digits, `_` or `$`) that is not a keyword
//! or literal. Java allows other Unicode letters, but the output is ASCII (javac reads it in
//! the build's encoding, which may be ASCII), and a look-alike letter would make two packages
//! that read the same. `java` and `javax`-rooted names are refused too: the JVM refuses to
//! define a class in `java.*`, and `javax.*` belongs to the platform.

use std::fmt;

/// The package of the generated class when none is given.
pub const DEFAULT: &str = "corsc.generated";

/// The longest package name accepted, in bytes: far beyond any real one, and short enough
/// that its folder path (one folder per segment) stays within every file system's limits.
pub const MAX_JAVA_PACKAGE: usize = 200;

/// Java's keywords (JLS 3.9), its literals and `_`: none can be a package segment.
const RESERVED: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "_",
];

/// A Java package name, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaPackage(String);

impl JavaPackage {
    /// A package given by the user.
    ///
    /// # Errors
    /// Why `name` cannot be a package, as a sentence.
    pub fn parse(name: &str) -> Result<Self, String> {
        if name.is_empty() {
            return Err("a package name cannot be empty".into());
        }
        if name.len() > MAX_JAVA_PACKAGE {
            return Err(format!(
                "a package name is at most {MAX_JAVA_PACKAGE} bytes"
            ));
        }
        for segment in name.split('.') {
            segment_ok(segment)?;
        }
        let root = name.split('.').next().unwrap_or_default();
        if root == "java" || root == "javax" {
            return Err(format!(
                "`{root}.*` packages belong to the Java platform (the JVM refuses to define classes in `java.*`)"
            ));
        }
        Ok(Self(name.to_string()))
    }

    /// The package name as written in `package …;`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JavaPackage {
    fn default() -> Self {
        Self(DEFAULT.to_string())
    }
}

impl fmt::Display for JavaPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether one dot-separated segment is an ASCII Java identifier and not reserved.
fn segment_ok(segment: &str) -> Result<(), String> {
    const HOW: &str = "each dot-separated part is a Java identifier: an ASCII letter, `_` or `$`, then ASCII letters, digits, `_` or `$`";
    let mut chars = segment.chars();
    let Some(first) = chars.next() else {
        return Err(format!("a package name has no empty parts ({HOW})"));
    };
    let ident_start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == '$';
    if !ident_start(first) || !chars.all(|c| ident_start(c) || c.is_ascii_digit()) {
        return Err(HOW.into());
    }
    if RESERVED.contains(&segment) {
        return Err(format!(
            "`{segment}` is a Java keyword or literal and cannot be part of a package name"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_packages_are_accepted_as_written() {
        for ok in [
            "corsc.generated",
            "com.example.edge.cors",
            "a",
            "_a.$b.c1",
            "org.example.var.record",
        ] {
            assert_eq!(JavaPackage::parse(ok).map(|p| p.to_string()), Ok(ok.into()));
        }
        assert_eq!(JavaPackage::default().as_str(), DEFAULT);
        assert!(JavaPackage::parse(DEFAULT).is_ok());
    }

    #[test]
    fn anything_that_could_break_out_of_a_package_declaration_is_refused() {
        for bad in [
            "",
            "a;b",
            "a\nb",
            "a\rb",
            "a b",
            "a..b",
            ".a",
            "a.",
            "1a",
            "a.1b",
            "a-b",
            "a/b",
            "a\\b",
            "a\u{2028}b",
            "caf\u{e9}",
            "\u{430}pple",
            "a\0b",
            "a;}class X{",
            "a.*",
            "class",
            "com.example.class",
            "true",
            "null",
            "_",
            "a._",
            "java",
            "java.util",
            "javax.foo",
        ] {
            assert!(JavaPackage::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(JavaPackage::parse(&"a".repeat(MAX_JAVA_PACKAGE)).is_ok());
        assert!(JavaPackage::parse(&"a".repeat(MAX_JAVA_PACKAGE + 1)).is_err());
        assert!(JavaPackage::parse("javalin.cors").is_ok());
    }
}
