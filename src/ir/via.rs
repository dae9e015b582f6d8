//! The chain of set references an origin entry was reached through.
//!
//! Every entry of a set reached through the same references carries the same chain, so the
//! chain is a shared, persistent list: following one more reference is one small allocation
//! whatever the size of the set, and a policy that includes a 100,000-origin set through three
//! sets holds three links, not 300,000 copies of a path.

use crate::source::Spanned;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// A chain of set references, outermost (the one at the use site) first.
#[derive(Clone, Default)]
pub struct Via(Option<Arc<Link>>);

/// One reference and the chain outside it.
struct Link {
    reference: Spanned<String>,
    outer: Option<Arc<Link>>,
    len: usize,
}

impl Via {
    /// No set: the entry is written where it is used.
    #[must_use]
    pub fn new() -> Self {
        Self(None)
    }

    /// This chain followed by one more (inner) reference. The chain itself is not copied.
    #[must_use]
    pub fn through(&self, reference: Spanned<String>) -> Self {
        let len = self.len() + 1;
        Self(Some(Arc::new(Link {
            reference,
            outer: self.0.clone(),
            len,
        })))
    }

    /// Whether the entry was written where it is used.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// How many references the chain holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |l| l.len)
    }

    /// The references, outermost first.
    pub fn iter(&self) -> std::vec::IntoIter<&Spanned<String>> {
        let mut out = Vec::with_capacity(self.len());
        let mut link = self.0.as_deref();
        while let Some(l) = link {
            out.push(&l.reference);
            link = l.outer.as_deref();
        }
        out.reverse();
        out.into_iter()
    }
}

impl Drop for Link {
    /// Unlinks iteratively: dropping a long chain must not recurse once per link.
    fn drop(&mut self) {
        let mut outer = self.outer.take();
        while let Some(arc) = outer {
            match Arc::try_unwrap(arc) {
                Ok(mut link) => outer = link.outer.take(),
                Err(_) => break,
            }
        }
    }
}

impl PartialEq for Via {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Via {}

impl fmt::Debug for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Via {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for r in self.iter() {
            seq.serialize_element(r)?;
        }
        seq.end()
    }
}

impl<'a> IntoIterator for &'a Via {
    type Item = &'a Spanned<String>;
    type IntoIter = std::vec::IntoIter<&'a Spanned<String>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn r(s: &str) -> Spanned<String> {
        Spanned::new(s.to_string(), Span::default())
    }

    #[test]
    fn a_chain_lists_its_references_outermost_first_and_shares_its_tail() {
        let outer = Via::new().through(r("a"));
        let inner = outer.through(r("b"));
        assert_eq!(
            inner.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(outer.len(), 1);
        assert!(Via::new().is_empty());
        assert_eq!(inner, Via::new().through(r("a")).through(r("b")));
        assert_ne!(inner, outer);
    }

    #[test]
    fn a_very_long_chain_drops_without_recursing() {
        let mut v = Via::new();
        for i in 0..1_000_000 {
            v = v.through(r(if i % 2 == 0 { "a" } else { "b" }));
        }
        assert_eq!(v.len(), 1_000_000);
        drop(v);
    }
}
