//! "Did you mean" suggestions.

/// The candidate closest to `word`, if one is close enough to be a plausible typo.
///
/// The edit distance costs the product of the two lengths, so names past the name limit
/// ([`super::limits::MAX_NAME_BYTES`], refused anyway) get no suggestion, and a candidate
/// whose length alone puts it out of reach is skipped without computing it.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    if word.len() > super::limits::MAX_NAME_BYTES {
        return None;
    }
    let word = word.to_ascii_lowercase();
    candidates
        .filter(|c| c.len() <= super::limits::MAX_NAME_BYTES)
        .filter(|c| word.len().abs_diff(c.len()) <= 2.max(c.len() / 4))
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn names_past_the_length_limit_get_no_suggestion() {
        // A suggestion costs the product of the two lengths: two 15,000-character names
        // took seconds each. Names that long are refused (E119) anyway.
        let long = format!("p{}", "-x".repeat(7_500));
        let near = format!("{long}y");
        assert_eq!(closest(&near, [long.as_str()].into_iter()), None);
        assert_eq!(closest("short", [long.as_str()].into_iter()), None);
    }

    #[test]
    fn suggests_near_names_only() {
        let names = ["origins", "methods", "max-age"];
        assert_eq!(closest("orgins", names.iter().copied()), Some("origins"));
        assert_eq!(closest("max-ag", names.iter().copied()), Some("max-age"));
        assert_eq!(closest("banana", names.iter().copied()), None);
    }
}
