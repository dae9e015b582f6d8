//! Java shared by the Spring target: the origin test every generated `CorsConfiguration`
//! subclass runs, and how a list of strings is written.
//!
//! Regexes are handed to `java.util.regex.Pattern`, which backtracks: an `Origin` longer than
//! [`MAX_ORIGIN_BYTES`] is refused before any pattern or `regex` entry runs (exact origins
//! still compare). So is an `Origin` outside printable ASCII, which no browser sends (the
//! ASCII serialization of an origin): on printable ASCII, Java reads every construct the plan
//! lets through ([`crate::emit::limits::Limit::PortableRegex`]) as corsc does, whereas on
//! other characters `\b`, `.` and `$` read line terminators and word characters otherwise.

use super::strings;
use crate::fetch::MAX_ORIGIN_BYTES;

/// `Arrays.asList("a", "b")` (Java 8, which Spring 5.3 still runs on, has no `List.of`), or
/// `Collections.<String>emptyList()` for none.
#[must_use]
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|s| strings::java(s.as_ref()))
        .collect();
    if quoted.is_empty() {
        "Collections.<String>emptyList()".to_string()
    } else {
        format!("Arrays.asList({})", quoted.join(", "))
    }
}

/// The `CorsConfiguration` subclass every Spring output declares (inside its configuration
/// class, at one level of indentation): its `checkOrigin` compares exact origins byte for
/// byte (Spring's own ignores case and trims a trailing `/`), then bounds the `Origin`, then
/// runs each pattern as a full match.
#[must_use]
pub fn policy_class() -> String {
    format!(
        r#"/**
 * The longest Origin tested against a pattern; a longer one is refused first.
 * java.util.regex backtracks, and can take time growing with the length of what
 * it reads; no browser sends an origin this long (a DNS name has at most 253 bytes).
 */
static final int MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES};

/**
 * One policy: Spring's CorsConfiguration (methods, headers, credentials, max-age)
 * with corsc's origin test. Spring's own compares origins ignoring case and
 * trimming a trailing slash, and its patterns cannot say a regex.
 */
static final class Policy extends CorsConfiguration {{
    private final boolean anyOrigin;
    private final Set<String> exact;
    private final List<Pattern> patterns = new ArrayList<Pattern>();

    Policy(boolean anyOrigin, List<String> exact, List<String> regexes) {{
        this.anyOrigin = anyOrigin;
        this.exact = new HashSet<String>(exact);
        for (String r : regexes) {{
            patterns.add(Pattern.compile(r));
        }}
        if (anyOrigin) {{
            setAllowedOrigins(Collections.singletonList(ALL));
        }}
    }}

    @Override
    public String checkOrigin(String origin) {{
        if (origin == null || origin.isEmpty()) {{
            return null;
        }}
        if (anyOrigin) {{
            return ALL;
        }}
        if (exact.contains(origin)) {{
            return origin;
        }}
        // Bounded before any pattern runs; only what browsers send is matched.
        if (origin.length() > MAX_ORIGIN_LENGTH || !printableAscii(origin)) {{
            return null;
        }}
        for (Pattern p : patterns) {{
            if (p.matcher(origin).matches()) {{
                return origin;
            }}
        }}
        return null;
    }}

    private static boolean printableAscii(String s) {{
        for (int i = 0; i < s.length(); i++) {{
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {{
                return false;
            }}
        }}
        return true;
    }}

    /**
     * A long list, written as a few string constants of lines: as one array it would
     * not fit in a method (a JVM method holds 64 KB of bytecode).
     */
    static List<String> lines(String... chunks) {{
        List<String> out = new ArrayList<String>();
        for (String chunk : chunks) {{
            out.addAll(Arrays.asList(chunk.split("\n", -1)));
        }}
        return out;
    }}

    /**
     * A long string (a policy's patterns as one regex), written as a few constants:
     * a class file's string constant holds at most 65,535 bytes.
     */
    static String joined(String... parts) {{
        return String.join("", parts);
    }}
}}"#
    )
}

/// How many strings [`long_list`] writes one by one. Each element of an `Arrays.asList(…)`
/// costs about 8 bytes of bytecode in the method that builds it, and a JVM method holds at
/// most 64 KB: `javac` refused a class of 9,000 origins with "code too large".
pub const LISTED_AT_MOST: usize = 64;

/// How many bytes of text one string constant of [`long_list`] holds: a class file's constant
/// is at most 65,535 bytes of modified UTF-8, up to three per character.
const CHUNK_BYTES: usize = 16_000;

/// A list of strings that may be long: [`list`] up to [`LISTED_AT_MOST`] strings, then
/// `Policy.lines("a\nb", …)`, strings joined by line breaks into constants of at most
/// [`CHUNK_BYTES`]. No origin or regex holds a line break (the checker refuses one in a
/// string), so splitting gives the strings back.
#[must_use]
pub fn long_list<S: AsRef<str>>(items: &[S]) -> String {
    if items.len() <= LISTED_AT_MOST {
        return list(items.iter().map(AsRef::as_ref));
    }
    let mut chunks: Vec<String> = vec![String::new()];
    for item in items {
        let item = item.as_ref();
        let last = chunks.last_mut().expect("one chunk at least");
        if !last.is_empty() && last.len() + 1 + item.len() > CHUNK_BYTES {
            chunks.push(item.to_string());
        } else {
            if !last.is_empty() {
                last.push('\n');
            }
            last.push_str(item);
        }
    }
    let quoted: Vec<String> = chunks.iter().map(|c| strings::java(c)).collect();
    format!("Policy.lines({})", quoted.join(", "))
}

/// A string that may be long, as a Java expression: its literal when it fits in one
/// constant, else `Policy.joined("…", …)` of pieces of at most [`CHUNK_BYTES`] (cut between
/// characters, and joined back when the class loads; `javac` would fold `"a" + "b"` into
/// one constant).
#[must_use]
pub fn long_string(s: &str) -> String {
    if s.len() <= CHUNK_BYTES {
        return strings::java(s);
    }
    let mut pieces = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        pieces.push(strings::java(&rest[..cut]));
        rest = &rest[cut..];
    }
    format!("Policy.joined({})", pieces.join(", "))
}

/// A few strings that may each be long, as a `List<String>` expression.
#[must_use]
pub fn list_of_long<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "Collections.<String>emptyList()".to_string();
    }
    let each: Vec<String> = items.iter().map(|s| long_string(s.as_ref())).collect();
    format!("Arrays.asList({})", each.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_string_is_cut_between_characters_and_joined() {
        assert_eq!(long_string("ab"), "\"ab\"");
        let long = format!("{}é{}", "a".repeat(CHUNK_BYTES - 1), "b".repeat(10));
        let written = long_string(&long);
        assert!(
            written.starts_with("Policy.joined(\""),
            "{}",
            &written[..40]
        );
        let pieces: Vec<&str> = written
            .trim_start_matches("Policy.joined(")
            .trim_end_matches(')')
            .split(", ")
            .collect();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].len(), CHUNK_BYTES - 1 + 2);
        assert!(pieces[1].starts_with("\"é") || pieces[1].starts_with("\"\\u00e9"));
    }

    #[test]
    fn lists_are_java_8_and_escaped() {
        assert_eq!(list(["a", "b\"c"]), r#"Arrays.asList("a", "b\"c")"#);
        assert_eq!(list(Vec::<&str>::new()), "Collections.<String>emptyList()");
    }

    #[test]
    fn the_origin_is_bounded_before_any_pattern_runs() {
        let c = policy_class();
        let bound = c
            .find("origin.length() > MAX_ORIGIN_LENGTH")
            .expect("bound");
        let exact = c.find("exact.contains(origin)").expect("exact");
        let matcher = c.find(".matcher(origin)").expect("matcher");
        assert!(exact < bound && bound < matcher);
        assert!(c.contains(&format!("MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES};")));
    }
}
