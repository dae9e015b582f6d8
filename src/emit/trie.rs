//! A list of exact origins as one regex: their trie, for libraries that take regexes but no
//! set (Flask-CORS, django-cors-headers' settings). A list of regexes is tried one by one on
//! every request, so 10,000 origins cost 10,000 matches; the trie is one regex whose work
//! grows with the length of the `Origin` (at each character it tries the few characters that
//! can follow), not with the length of the list.
//!
//! The regex uses only literals escaped as [`super::regex_text::regex_escape`] does, non-capturing
//! groups, `|` and `?`, which every engine corsc writes for reads alike; it is not anchored
//! (the target adds its anchors), and it matches exactly the listed strings once anchored at
//! both ends.

use super::regex_text::regex_escape;
use std::collections::BTreeMap;

/// A node being written: (node, its children in order, the next child to write, whether it
/// opened a group).
type Frame = (usize, Vec<(char, usize)>, usize, bool);

#[derive(Default)]
struct Node {
    /// The next characters, in order (a deterministic regex for a deterministic output).
    next: BTreeMap<char, usize>,
    /// A listed string ends here.
    end: bool,
}

/// The trie of `words` as a regex. Built and written without recursion, so an origin of
/// thousands of characters cannot exhaust the stack. An empty list gives the empty regex,
/// which matches the empty string: callers write a list of no origins some other way.
#[must_use]
pub fn regex(words: &[&str]) -> String {
    let mut nodes = vec![Node::default()];
    for w in words {
        let mut at = 0;
        for c in w.chars() {
            let fresh = nodes.len();
            at = *nodes[at].next.entry(c).or_insert(fresh);
            if at == fresh {
                nodes.push(Node::default());
            }
        }
        nodes[at].end = true;
    }
    let mut out = String::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Groups open around the node being entered: past MAX_GROUPS the rest of that branch is
    // written as a flat list of its suffixes, one group deep.
    let mut groups = 0usize;
    let enter = |n: usize, nodes: &[Node], out: &mut String, groups: &mut usize| {
        let mut children: Vec<(char, usize)> =
            nodes[n].next.iter().map(|(c, i)| (*c, *i)).collect();
        // One way on and nothing ending here: a plain literal, no group.
        let group = !(children.is_empty() || children.len() == 1 && !nodes[n].end);
        if group && *groups >= MAX_GROUPS {
            let rest: Vec<String> = suffixes(nodes, n).iter().map(|s| regex_escape(s)).collect();
            out.push_str("(?:");
            out.push_str(&rest.join("|"));
            out.push(')');
            children.clear();
            return (n, children, 0, false);
        }
        if group {
            out.push_str("(?:");
            *groups += 1;
        }
        (n, children, 0, group)
    };
    let root = enter(0, &nodes, &mut out, &mut groups);
    stack.push(root);
    while let Some(top) = stack.last_mut() {
        let (n, children, next, group) = (top.0, &top.1, top.2, top.3);
        if next < children.len() {
            let (c, child) = children[next];
            top.2 += 1;
            if next > 0 {
                out.push('|');
            }
            out.push_str(&regex_escape(c.encode_utf8(&mut [0; 4])));
            let frame = enter(child, &nodes, &mut out, &mut groups);
            stack.push(frame);
        } else {
            if group {
                groups -= 1;
                out.push(')');
                if nodes[n].end {
                    out.push('?');
                }
            }
            stack.pop();
        }
    }
    out
}

/// [`regex`] with the words' longest common suffix written once, after the trie of what
/// precedes it: `trie` then `suffix`. A list of tenants of one domain
/// (`https://tenant-N.customers.example.com`) shares its prefix and its suffix; a prefix trie
/// alone writes the suffix once per origin, this form once per list, several times shorter.
/// It matches exactly the listed strings: each is some string of the trie's set followed by
/// the suffix, and the trie matches exactly those prefixes ([`regex`]). No group is needed
/// around the trie: [`regex`] never writes `|` outside a group.
#[must_use]
pub fn regex_factored(words: &[&str]) -> String {
    let tail = common_suffix(words);
    if tail.is_empty() || words.len() < 2 {
        return regex(words);
    }
    let heads: Vec<&str> = words.iter().map(|w| &w[..w.len() - tail.len()]).collect();
    format!("{}{}", regex(&heads), regex_escape(tail))
}

/// The longest suffix every word ends with, cut on a character boundary (empty for no words).
fn common_suffix<'a>(words: &[&'a str]) -> &'a str {
    let Some((first, rest)) = words.split_first() else {
        return "";
    };
    let mut len = first.len();
    for w in rest {
        let shared: usize = first
            .chars()
            .rev()
            .zip(w.chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        len = len.min(shared);
        if len == 0 {
            break;
        }
    }
    &first[first.len() - len..]
}

/// How deeply groups may nest: regex parsers refuse deep nesting (Rust's `regex` at 250) or
/// recurse on it (Python's `re`), and a list where each origin extends the previous one would
/// nest once per character. Real lists branch a few times per origin.
const MAX_GROUPS: usize = 32;

/// Every string the subtree under `n` spells, in order (`""` if a listed string ends at `n`).
fn suffixes(nodes: &[Node], n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = vec![(n, String::new())];
    while let Some((at, prefix)) = stack.pop() {
        if nodes[at].end {
            out.push(prefix.clone());
        }
        for (c, child) in nodes[at].next.iter().rev() {
            let mut s = prefix.clone();
            s.push(*c);
            stack.push((*child, s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(words: &[&str]) -> regex::Regex {
        regex::Regex::new(&format!("^(?:{})$", regex(words))).expect("the trie compiles")
    }

    #[test]
    fn shares_prefixes_and_marks_ends() {
        assert_eq!(regex(&["https://a.example"]), r"https://a\.example");
        assert_eq!(
            regex(&["https://a.example", "https://b.example"]),
            r"https://(?:a\.example|b\.example)"
        );
        assert_eq!(regex(&["http://a", "http://a:8080"]), r"http://a(?::8080)?");
        assert_eq!(regex(&[]), "");
    }

    #[test]
    fn each_origin_extending_the_last_nests_no_deeper_than_the_bound() {
        let long: Vec<String> = (1..300)
            .map(|n| format!("https://{}", "a".repeat(n)))
            .collect();
        let words: Vec<&str> = long.iter().map(String::as_str).collect();
        let text = regex(&words);
        let mut depth = 0usize;
        let mut deepest = 0usize;
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            deepest = deepest.max(depth);
        }
        assert_eq!(deepest, MAX_GROUPS + 1);
        let re = full(&words);
        assert!(long.iter().all(|w| re.is_match(w)));
        assert!(!re.is_match("https://"));
        assert!(!re.is_match(&format!("https://{}", "a".repeat(300))));
        // Thousands of characters in one origin: written without recursion.
        let one = format!("https://{}.example", "a".repeat(8000));
        assert!(full(&[one.as_str()]).is_match(&one));
    }

    #[test]
    fn writes_a_shared_suffix_once() {
        assert_eq!(
            regex_factored(&["https://a.example.com", "https://b.example.com"]),
            r"https://(?:a|b)\.example\.com"
        );
        // A word that is all suffix leaves an empty head; no shared suffix, the plain trie.
        assert_eq!(regex_factored(&["xa", "a"]), "(?:x)?a");
        assert_eq!(
            regex_factored(&["https://a.example"]),
            regex(&["https://a.example"])
        );
        assert_eq!(regex_factored(&["ab", "ba"]), regex(&["ab", "ba"]));
        assert_eq!(regex_factored(&["é", "aé"]), "(?:a)?é");
        // Heads that branch at their start stay one group: `(?:a|b)c`, never `a|bc`.
        assert_eq!(regex_factored(&["ac", "bc"]), "(?:a|b)c");
        assert_eq!(regex_factored(&[]), "");
    }

    proptest::proptest! {
        /// Anchored, the factored trie matches exactly the listed strings.
        #[test]
        fn factored_matches_exactly_the_list(
            words in proptest::collection::vec("[a-cé.:/\\[\\]()*+?|^$\\\\]{0,6}", 1..12),
            probe in "[a-cé.:/\\[\\]()*+?|^$\\\\]{0,6}",
        ) {
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let re = regex::Regex::new(&format!("^(?:{})$", regex_factored(&refs)))
                .expect("the factored trie compiles");
            for w in &words {
                proptest::prop_assert!(re.is_match(w), "{} does not match {}", regex_factored(&refs), w);
            }
            proptest::prop_assert_eq!(re.is_match(&probe), words.contains(&probe));
        }

        /// Anchored, the trie matches exactly the listed strings.
        #[test]
        fn matches_exactly_the_list(
            words in proptest::collection::vec("[a-c.:/\\[\\]()*+?|^$\\\\]{0,6}", 1..12),
            probe in "[a-c.:/\\[\\]()*+?|^$\\\\]{0,6}",
        ) {
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let re = full(&refs);
            for w in &words {
                proptest::prop_assert!(re.is_match(w), "{} does not match {}", regex(&refs), w);
            }
            proptest::prop_assert_eq!(re.is_match(&probe), words.contains(&probe));
        }
    }
}
