//! The name lists several rules walk: every method, request header and exposed header that
//! any policy lists, in policy order, each as written with its place.

use crate::ir::PolicySet;
use crate::source::Spanned;

/// Every method any policy lists.
pub(crate) fn methods(set: &PolicySet) -> impl Iterator<Item = &Spanned<String>> {
    set.policies.iter().flat_map(|p| &p.methods.value.list)
}

/// Every header name any policy lists in `request-headers`.
pub(crate) fn request_headers(set: &PolicySet) -> impl Iterator<Item = &Spanned<String>> {
    set.policies
        .iter()
        .flat_map(|p| &p.request_headers.value.list)
}

/// Every header name any policy lists in `expose-headers`.
pub(crate) fn expose_headers(set: &PolicySet) -> impl Iterator<Item = &Spanned<String>> {
    set.policies
        .iter()
        .flat_map(|p| &p.expose_headers.value.list)
}
