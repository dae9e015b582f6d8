//! "Did you mean" suggestions.

/// The candidate closest to `word`, if one is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_names_only() {
        let names = ["origins", "methods", "max-age"];
        assert_eq!(closest("orgins", names.iter().copied()), Some("origins"));
        assert_eq!(closest("max-ag", names.iter().copied()), Some("max-age"));
        assert_eq!(closest("banana", names.iter().copied()), None);
    }
}
