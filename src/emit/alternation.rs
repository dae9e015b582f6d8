//! A policy's patterns and `regex` entries as one regex, for targets whose library takes
//! regexes: a list of regexes is tried one by one on every request, so 10,000 tenant patterns
//! cost 10,000 matches. Here the patterns that differ only in their host share one group: its
//! scheme, its subdomain prefix `(?:[a-z0-9-]+\.)+` and its port are written once, and the
//! hosts (or subdomain bases) are their trie ([`super::trie`]), so a backtracking engine tries
//! the trie once per label of the `Origin`, whatever the number of patterns. `regex` entries
//! are alternatives of their own, after the groups.
//!
//! Every alternative is anchored on its own (`^…$`), as the plan anchors each regex, so the
//! result reads the same in an engine that searches (`RegExp.test`, `re.match`,
//! `MatchString`) and in one that matches whole (`Pattern.matches`). The groups use only what
//! every engine corsc writes for reads alike: literals escaped by [`regex_escape`], the class
//! `[a-z0-9-]`, non-capturing groups, `|`, `+` and `?`.

use super::regex_text::{regex_escape, written_len};
use super::trie;
use crate::ir::{HostPattern, OriginPattern, PortSpec};
use std::collections::BTreeMap;

/// What the patterns of one group share: scheme, whether they match subdomains of their
/// host, and port.
type GroupKey<'a> = (&'a str, bool, PortKey);

/// [`PortSpec`] with an order, for a deterministic output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PortKey {
    Default,
    Fixed(u16),
    Any,
}

impl From<PortSpec> for PortKey {
    fn from(p: PortSpec) -> Self {
        match p {
            PortSpec::Default => PortKey::Default,
            PortSpec::Fixed(n) => PortKey::Fixed(n),
            PortSpec::Any => PortKey::Any,
        }
    }
}

/// The patterns and the anchored `regex` entries as few regexes as fit in `max_len` bytes
/// each, counted as written in a double-quoted configuration string ([`written_len`]): one, unless the text is longer than the target takes in one token. Each result is a
/// union of anchored alternatives; none when there is nothing to match.
///
/// With `join_regexes` false the `regex` entries stay one regex each, after the patterns' union:
/// for an engine that reads named groups (nginx, Apache), where two entries naming the same
/// group would not compile as one.
#[must_use]
pub fn regexes(
    patterns: &[&OriginPattern],
    anchored: &[String],
    max_len: usize,
    join_regexes: bool,
) -> Vec<String> {
    let mut groups: BTreeMap<GroupKey<'_>, Vec<&str>> = BTreeMap::new();
    for p in patterns {
        let (host, sub) = match &p.host {
            HostPattern::Exact(h) => (h.as_str(), false),
            HostPattern::Subdomains(b) => (b.as_str(), true),
        };
        groups
            .entry((p.scheme.as_str(), sub, p.port.into()))
            .or_default()
            .push(host);
    }
    let mut alternatives = Vec::new();
    for ((scheme, sub, port), mut hosts) in groups {
        hosts.sort_unstable();
        hosts.dedup();
        split_group(scheme, sub, port, &hosts, max_len, &mut alternatives);
    }
    if join_regexes {
        alternatives.extend(anchored.iter().cloned());
        return pack(alternatives, max_len);
    }
    let mut out = pack(alternatives, max_len);
    out.extend(anchored.iter().cloned());
    out
}

/// One group as one anchored alternative: `^https://(?:[a-z0-9-]+\.)+(?:TRIE)$`.
fn group(scheme: &str, sub: bool, port: PortKey, hosts: &[&str]) -> String {
    let prefix = if sub { "(?:[a-z0-9-]+\\.)+" } else { "" };
    let port = match port {
        PortKey::Default => String::new(),
        PortKey::Fixed(n) => format!(":{n}"),
        PortKey::Any => "(?::[0-9]+)?".to_string(),
    };
    format!(
        "^{}://{prefix}(?:{}){port}$",
        regex_escape(scheme),
        trie::regex(hosts)
    )
}

/// A group, in halves until each alternative fits `max_len` (a single host always stands
/// alone: the plan already refused a pattern whose regex does not fit).
fn split_group(
    scheme: &str,
    sub: bool,
    port: PortKey,
    hosts: &[&str],
    max_len: usize,
    out: &mut Vec<String>,
) {
    let text = group(scheme, sub, port, hosts);
    if written_len(&text) <= max_len || hosts.len() == 1 {
        out.push(text);
        return;
    }
    let (a, b) = hosts.split_at(hosts.len() / 2);
    split_group(scheme, sub, port, a, max_len, out);
    split_group(scheme, sub, port, b, max_len, out);
}

/// Alternatives joined by `|`, each in a non-capturing group, as few regexes as `max_len`
/// allows.
fn pack(alternatives: Vec<String>, max_len: usize) -> Vec<String> {
    if alternatives.len() == 1 {
        return alternatives;
    }
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for a in alternatives {
        let piece = format!("(?:{a})");
        if !current.is_empty() && written_len(&current) + 1 + written_len(&piece) > max_len {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('|');
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::test_pattern as pat;

    fn one(patterns: &[&str], anchored: &[&str]) -> Vec<String> {
        let owned: Vec<OriginPattern> = patterns.iter().map(|p| pat(p)).collect();
        let refs: Vec<&OriginPattern> = owned.iter().collect();
        let anchored: Vec<String> = anchored.iter().map(|s| (*s).to_string()).collect();
        regexes(&refs, &anchored, 1 << 20, true)
    }

    #[test]
    fn patterns_that_differ_in_their_host_share_one_group() {
        assert_eq!(
            one(&["https://*.a.example", "https://*.b.example"], &[]),
            [r"^https://(?:[a-z0-9-]+\.)+(?:(?:a\.example|b\.example))$"]
        );
        assert_eq!(
            one(
                &["http://localhost:*", "https://*.a.example"],
                &[r"^(?:https://x\.test)$"]
            ),
            [concat!(
                r"(?:^http://(?:localhost)(?::[0-9]+)?$)",
                r"|(?:^https://(?:[a-z0-9-]+\.)+(?:a\.example)$)",
                r"|(?:^(?:https://x\.test)$)"
            )]
        );
        assert!(one(&[], &[]).is_empty());
    }

    #[test]
    fn regexes_that_may_name_groups_stay_apart() {
        let p = pat("https://*.a.example");
        let named = [r"^(?<t>x)$".to_string(), r"^(?<t>y)$".to_string()];
        assert_eq!(
            regexes(&[&p], &named, 1 << 20, false),
            [
                r"^https://(?:[a-z0-9-]+\.)+(?:a\.example)$",
                r"^(?<t>x)$",
                r"^(?<t>y)$"
            ]
        );
    }

    #[test]
    fn a_group_too_long_for_one_token_is_split() {
        let hosts: Vec<String> = (0..2000)
            .map(|i| format!("https://*.t{i}.example"))
            .collect();
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let owned: Vec<OriginPattern> = refs.iter().map(|p| pat(p)).collect();
        let pats: Vec<&OriginPattern> = owned.iter().collect();
        let out = regexes(&pats, &[], 4000, true);
        assert!(out.len() > 1);
        assert!(out.iter().all(|r| written_len(r) <= 4000), "{out:?}");
        let all: Vec<regex::Regex> = out.iter().map(|r| regex::Regex::new(r).unwrap()).collect();
        for i in [0, 999, 1999] {
            let o = format!("https://x.y.t{i}.example");
            assert!(all.iter().any(|r| r.is_match(&o)), "{o}");
        }
        assert!(!all.iter().any(|r| r.is_match("https://t1.example")));
    }

    proptest::proptest! {
        /// The union matches exactly what one of the patterns or regexes matches.
        #[test]
        fn matches_what_one_of_its_parts_matches(
            picks in proptest::collection::vec((0usize..3, "[ab]{1,2}", 0usize..3), 1..8),
            probe_scheme in 0usize..3,
            probe_host in "[ab.]{0,5}",
            probe_port in proptest::option::of(prop_oneof_ports()),
        ) {
            let schemes = ["http", "https", "ws"];
            let texts: Vec<String> = picks
                .iter()
                .map(|(s, h, k)| {
                    let host = format!("{h}.test");
                    match k {
                        0 => format!("{}://*.{host}", schemes[*s]),
                        1 => format!("{}://{host}:*", schemes[*s]),
                        _ => format!("{}://*.{host}:8080", schemes[*s]),
                    }
                })
                .collect();
            let owned: Vec<OriginPattern> = texts.iter().map(|t| pat(t)).collect();
            let refs: Vec<&OriginPattern> = owned.iter().collect();
            let anchored = vec![r"^(?:https://b+\.test)$".to_string()];
            let union = regexes(&refs, &anchored, 1 << 20, true);
            proptest::prop_assert_eq!(union.len(), 1);
            let re = regex::Regex::new(&union[0]).unwrap();
            let mut probe = format!("{}://{probe_host}.test", schemes[probe_scheme]);
            if let Some(p) = probe_port {
                probe.push_str(&format!(":{p}"));
            }
            // A probe no browser sends (`a..b.test`) matches no pattern either.
            let parsed = crate::ir::Origin::parse_serialized(&probe);
            let expected = parsed.is_some_and(|o| owned.iter().any(|p| p.matches(&o)))
                || regex::Regex::new(&anchored[0]).unwrap().is_match(&probe);
            proptest::prop_assert_eq!(re.is_match(&probe), expected, "{} on {}", union[0], probe);
        }
    }

    fn prop_oneof_ports() -> impl proptest::strategy::Strategy<Value = u16> {
        proptest::prop_oneof![proptest::strategy::Just(8080u16), 1u16..80]
    }
}
