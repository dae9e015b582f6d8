//! What the human and the Markdown reports of `corsc diff` say alike: the order of the groups
//! and the words for the verdict.

use crate::diff::{self, ItemKind, ScopeDiff};

/// The groups of a scope, in report order.
pub(super) const GROUPS: [ItemKind; 6] = [
    ItemKind::Origin,
    ItemKind::Method,
    ItemKind::RequestHeader,
    ItemKind::ExposeHeader,
    ItemKind::Credentials,
    ItemKind::PrivateNetwork,
];

/// Whether a scope shows no difference at all.
pub(super) fn is_same(s: &ScopeDiff) -> bool {
    s.gained.is_empty()
        && s.lost.is_empty()
        && s.changed.is_empty()
        && s.widening.is_none()
        && s.narrowing.is_none()
}

/// The verdict in words.
pub(super) fn verdict_line(v: diff::Verdict) -> &'static str {
    match v {
        diff::Verdict::Equivalent => "equivalent: every probe gets the same browser verdict",
        diff::Verdict::Narrower => "narrower: NEW allows nothing OLD did not, and less",
        diff::Verdict::Wider => "wider: NEW allows something OLD did not",
        diff::Verdict::Both => {
            "both: NEW allows something OLD did not, and OLD something NEW does not"
        }
    }
}
