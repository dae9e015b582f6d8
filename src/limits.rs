//! The sizes corsc accepts: one place, below every stage, because the parser refuses a file
//! past [`MAX_FILE_BYTES`] before the checker ever runs, and the checker enforces the rest
//! (see `check::limits`, which says why the bounds exist).

/// The largest policy file, in bytes. 100,000 origins take about 4 MiB.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// The longest single value (an origin, a regex, a path, a header name or method, a reason),
/// in bytes. A URL of more than 8 KiB is refused by most servers already; a DNS name has at
/// most 253 characters.
pub const MAX_VALUE_BYTES: usize = 8 * 1024;

/// The longest name of a policy, profile or origin set, in bytes. Names become identifiers in
/// generated code and configuration.
pub const MAX_NAME_BYTES: usize = 128;

/// The largest regex, counted with its repetitions expanded (`(a{100}){100}` is 10,000) and a
/// Unicode class (`\\w`, `.`, `\\p{L}`) as 100: past it, some engine refuses to compile it
/// (PCRE2's 64 K code units, Rust's 10 MB program, which the evaluator uses too) while another
/// accepts it, and the evaluator and the server would disagree.
pub const MAX_REGEX_WEIGHT: u64 = 10_000;

/// How deeply origin sets may include other sets (a set of origins only is one level).
pub const MAX_SET_DEPTH: usize = 64;

/// The most origin entries (and set references followed) the policies of one file may resolve
/// to, every policy and profile counted: a set used by ten policies counts ten times. Large
/// enough for a 100,000-origin allowlist shared by ten policies; small enough that a file that
/// doubles a set at every level is refused in milliseconds and a few hundred megabytes.
pub const MAX_ENTRIES: usize = 2_000_000;

/// The most work the checks of one file may take over all its runs: `lint` and `check` check
/// the base policies and then each profile, so a file of a million entries and a thousand
/// empty `profile x { }` blocks (fifteen bytes each) would be checked a thousand times. Work
/// is counted as (resolved entries + syntax nodes) × (1 + profiles).
pub const MAX_WORK: usize = 16_000_000;

/// The most code points the regexes of one file may make the regex parser case-fold (see
/// `regex::fold_cost`): `(?i)[\w-]+` is about 140,000, `(?i)[a-z0-9-]` 37; the whole code
/// space is 1,114,112 and takes about 5 ms each time it is folded.
pub const MAX_REGEX_FOLD: u64 = 1_000_000;
