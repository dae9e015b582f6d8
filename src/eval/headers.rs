//! Header lists as they travel on the wire, and reading them as Fetch does.

/// A header list as it travels on the wire: names as sent, values as sent, one entry per
/// header line, in order. Duplicates are kept, because a duplicated
/// `Access-Control-Allow-Origin` is exactly the kind of mistake the evaluator must see.
pub type HeaderList = Vec<(String, String)>;

/// Every value of a header, one per line, in order (names compared case-insensitively).
#[must_use]
pub fn get_all<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Fetch §concept-header-list-get: the values of every line with this name, combined with
/// `", "`; `None` when there is no such line. Two `Access-Control-Allow-Origin` lines therefore
/// become one value that can never equal an origin.
#[must_use]
pub fn get(headers: &[(String, String)], name: &str) -> Option<String> {
    let all = get_all(headers, name);
    if all.is_empty() {
        None
    } else {
        Some(all.join(", "))
    }
}

/// The reason phrase for the statuses the evaluator produces, for display.
#[must_use]
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "",
    }
}
