//! A short text a regex matches: the evaluator's probe planner needs an origin each `regex`
//! entry admits, to send it and to build near misses around it, and guessing from the source
//! text fails on anything but the simplest regexes.

use super::shape::hir;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A short text the regex matches when searched: each repetition taken its fewest times, the
/// first alternative that yields text, a lower-case letter (else a digit, else the first
/// character) from each class; anchors and other look-arounds add nothing. `None` if the regex
/// does not parse or holds a class that matches nothing. The caller checks the text against
/// the regex: a look-around (`\b`) can make the sample miss.
#[must_use]
pub fn sample(src: &str) -> Option<String> {
    let mut out = String::new();
    write(&hir(src).ok()?, &mut out).then_some(out)
}

/// Appends a text `h` matches to `out`; false when `h` matches nothing.
fn write(h: &Hir, out: &mut String) -> bool {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(c) => match pick(c) {
            Some(ch) => {
                out.push(ch);
                true
            }
            None => false,
        },
        HirKind::Repetition(r) => (0..r.min).all(|_| write(&r.sub, out)),
        HirKind::Capture(c) => write(&c.sub, out),
        HirKind::Concat(parts) => parts.iter().all(|p| write(p, out)),
        HirKind::Alternation(alts) => alts.iter().any(|a| {
            let mut s = String::new();
            let ok = write(a, &mut s);
            if ok {
                out.push_str(&s);
            }
            ok
        }),
    }
}

/// A character of the class, preferring the ones a host name is made of.
fn pick(c: &Class) -> Option<char> {
    let has = |ch: char| match c {
        Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= ch && ch <= r.end()),
        Class::Bytes(b) => {
            ch.is_ascii()
                && b.ranges()
                    .iter()
                    .any(|r| r.start() <= ch as u8 && ch as u8 <= r.end())
        }
    };
    if let Some(ch) = ('a'..='z').chain('0'..='9').find(|&ch| has(ch)) {
        return Some(ch);
    }
    match c {
        Class::Unicode(u) => u.ranges().first().map(|r| r.start()),
        Class::Bytes(b) => b
            .ranges()
            .first()
            .map(|r| r.start())
            .filter(u8::is_ascii)
            .map(char::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_take_the_fewest_repetitions_and_host_characters() {
        assert_eq!(
            sample(r"^https://([a-z0-9-]+\.)*example\.org$").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(
            sample(r"^https://(app|admin)-[0-9]+\.example\.com$").as_deref(),
            Some("https://app-0.example.com")
        );
        assert_eq!(
            sample(r"^https://[^/]+\.test$").as_deref(),
            Some("https://a.test")
        );
        assert_eq!(sample(r"[^\x00-\x{10FFFF}]"), None);
        assert_eq!(sample("("), None);
    }
}
