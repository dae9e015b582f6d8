//! What the storage services' bucket CORS rules share: a list of rules, each a set of origins,
//! methods, request headers, exposed headers and a max-age, applied to every object of the
//! bucket, the first rule that matches answering. Amazon S3 (`--from s3`) and Cloud Storage
//! (`--from gcs`) differ in the details a [`Service`] names: which methods they take, how an
//! origin may hold a `*`, whether credentials are sent, and what a `*` header means. The
//! reading of the JSON forms with the place of every value is here too ([`json`]).

use crate::import::context::Context;
use crate::import::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use crate::import::render::comment_text;

/// One value and where it is written.
#[derive(Clone, Debug)]
pub struct Val {
    /// The value as the configuration spells it.
    pub text: String,
    /// Where.
    pub at: Loc,
}

/// One rule of a bucket's CORS configuration.
#[derive(Clone, Debug, Default)]
pub struct Rule {
    /// Where the rule starts.
    pub at: Option<Loc>,
    /// Its origins.
    pub origins: Vec<Val>,
    /// Its methods.
    pub methods: Vec<Val>,
    /// The request headers a preflight may ask for.
    pub headers: Vec<Val>,
    /// The response headers exposed.
    pub expose: Vec<Val>,
    /// Its max-age, as written.
    pub max_age: Option<Val>,
}

impl Rule {
    /// What the rule allows besides its origins.
    fn key(&self) -> String {
        let mut m: Vec<String> = self.methods.iter().map(|v| v.text.clone()).collect();
        m.sort();
        let mut h: Vec<String> = self
            .headers
            .iter()
            .map(|v| v.text.to_ascii_lowercase())
            .collect();
        h.sort();
        let mut e: Vec<String> = self
            .expose
            .iter()
            .map(|v| v.text.to_ascii_lowercase())
            .collect();
        e.sort();
        format!(
            "{m:?}|{h:?}|{e:?}|{:?}",
            self.max_age.as_ref().map(|v| &v.text)
        )
    }
}

/// How one storage service reads its rules.
pub struct Service {
    /// Its name in messages: `S3`, `Cloud Storage`.
    pub name: &'static str,
    /// The methods it takes, for the message about one it refuses.
    pub methods: &'static str,
    /// Whether it takes a method (`*` included where it means every method).
    pub method_ok: fn(&str) -> bool,
    /// One origin as the language writes it, or `None` after reporting why it is left out.
    pub origin: fn(&mut Context, &Val) -> Option<OriginValue>,
    /// Whether every allowed origin but `*` is answered with credentials (S3).
    pub credentials: bool,
    /// Whether a request header `*` echoes what the preflight asks (S3's `AllowedHeader *`);
    /// where it does not, a `*` is left out.
    pub header_star_mirrors: bool,
}

/// The byte offset of a 1-based line and column.
pub fn line_col_offset(text: &str, row: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == row {
            let mut o = off;
            for (n, (bi, _)) in line.char_indices().enumerate() {
                if n + 1 == col {
                    return off + bi;
                }
                o = off + bi;
            }
            return o.min(text.len());
        }
        off += line.len();
    }
    text.len()
}

/// Reads each of `files` with `rules` (the service's rules in one file, or `None` after
/// reporting why there are none) into one draft, a policy per file: a bucket's configuration is
/// one file.
pub fn read_files(
    service: &Service,
    cx: &mut Context,
    files: &[usize],
    rules: impl Fn(&mut Context, usize, &str) -> Option<Vec<Rule>>,
) -> Draft {
    let mut draft = Draft::default();
    for &file in files {
        // A copy, so that reading can report through the context while it walks the text.
        let text = cx.text(file).to_string();
        if let Some(rules) = rules(cx, file, &text) {
            draft
                .policies
                .extend(policy(service, cx, file, &rules, "bucket"));
        }
    }
    draft
}

/// The policy the rules amount to, or `None` when nothing can be written without widening.
pub fn policy(
    service: &Service,
    cx: &mut Context,
    file: usize,
    rules: &[Rule],
    name: &str,
) -> Option<DraftPolicy> {
    if rules.is_empty() {
        return None;
    }
    let first_at = rules
        .iter()
        .find_map(|r| r.at)
        .unwrap_or(Loc::new(file, 0, 0));
    let mut p = DraftPolicy::new(name, Some(first_at));
    p.comments.push(format!(
        "{} bucket CORS applies to every object of the bucket; the first rule that matches the origin, method and headers answers.",
        service.name
    ));
    // Rules that agree on everything but their origins are one policy; otherwise the policy
    // allows what every rule allows.
    let mut keys: Vec<String> = rules.iter().map(Rule::key).collect();
    keys.dedup();
    keys.sort();
    keys.dedup();
    let exact = keys.len() == 1;
    if !exact {
        cx.narrowed(
            rules[1].at.unwrap_or(first_at),
            "the rules allow different methods, headers or max-ages to different origins; one corsc policy allows every origin the same, so the policy allows only what every rule allows",
            "split the bucket's origins by what they need into separate buckets or paths, or write the policy by hand",
        );
        p.comments.push(
            "The rules differ: every origin gets only what every rule allows (their intersection)."
                .to_string(),
        );
    }
    // Origins.
    let mut any = false;
    for r in rules {
        for o in &r.origins {
            if let Some(v) = (service.origin)(cx, o) {
                any |= v == OriginValue::Any;
                if !p.origins.iter().any(|x| x.value == v) {
                    p.origins.push(Noted::at(v, o.at));
                }
            }
        }
    }
    // Methods: the intersection.
    let mut methods: Vec<Val> = Vec::new();
    for m in &rules[0].methods {
        if !(service.method_ok)(&m.text) {
            cx.ignored(
                m.at,
                format!(
                    "`{}` is not a method {} takes ({})",
                    comment_text(&m.text),
                    service.name,
                    service.methods
                ),
                format!(
                    "{} refuses this configuration; list only {}",
                    service.name, service.methods
                ),
            );
            continue;
        }
        if rules.iter().all(|r| has_method(service, r, &m.text))
            && !methods.iter().any(|x| x.text == m.text)
        {
            methods.push(m.clone());
        }
    }
    // A `*` (where the service takes one) is every method: in every rule, the policy's `*`;
    // in some, the other rules' methods are what every rule allows.
    for m in rules.iter().flat_map(|r| &r.methods) {
        if m.text != "*"
            && (service.method_ok)(&m.text)
            && rules.iter().all(|r| has_method(service, r, &m.text))
            && !methods.iter().any(|x| x.text == m.text)
        {
            methods.push(m.clone());
        }
    }
    if methods.iter().any(|m| m.text == "*") {
        methods.retain(|m| m.text == "*");
    }
    let allows = |name: &str| methods.iter().any(|m| m.text == name || m.text == "*");
    if !allows("GET") {
        cx.narrowed(
            first_at,
            format!("{} answers no simple GET here, but a corsc policy answers every simple request of an allowed origin: the policy is left out", service.name),
            "add GET to the rule's methods if reads may be shared, or write the policy by hand",
        );
        return None;
    }
    let missing: Vec<&str> = ["HEAD", "POST"]
        .into_iter()
        .filter(|s| !allows(s))
        .collect();
    if !missing.is_empty() {
        cx.narrowed(
            methods[0].at,
            format!(
                "{} answers no simple {} request here; a corsc policy answers every simple request of an allowed origin (a HEAD reveals nothing a GET does not, and {} answers a POST to an object without an upload policy with an error)",
                service.name,
                missing.join(" or "),
                service.name
            ),
            "add them to the rule's methods if that is meant",
        );
    }
    p.methods = Some(
        methods
            .iter()
            .map(|m| Noted::at(m.text.clone(), m.at))
            .collect(),
    );
    // Request headers: `*` echoes what is asked; names with a `*` inside cannot be said.
    let mut mirror = service.header_star_mirrors;
    let mut names: Vec<Val> = Vec::new();
    for r in rules {
        let star = r.headers.iter().any(|h| h.text == "*");
        mirror &= star;
    }
    if !service.header_star_mirrors {
        for h in rules
            .iter()
            .flat_map(|r| &r.headers)
            .filter(|h| h.text == "*")
        {
            cx.narrowed(
                h.at,
                format!(
                    "{} documents no meaning for a `*` header; it is left out",
                    service.name
                ),
                "list the headers the clients send and read",
            );
        }
    }
    if !mirror {
        for h in rules.iter().flat_map(|r| &r.headers) {
            if h.text == "*" {
                continue;
            }
            let lower = h.text.to_ascii_lowercase();
            let in_all = rules.iter().all(|r| {
                r.headers.iter().any(|x| {
                    (service.header_star_mirrors && x.text == "*")
                        || x.text.eq_ignore_ascii_case(&lower)
                })
            });
            if h.text.contains('*') {
                cx.narrowed(
                    h.at,
                    format!("`{}` allows every header with that prefix, which a corsc header list cannot say; it is left out", comment_text(&h.text)),
                    "list the headers the clients send",
                );
                continue;
            }
            if in_all && !names.iter().any(|x| x.text.eq_ignore_ascii_case(&lower)) {
                names.push(h.clone());
            }
        }
    }
    if mirror {
        let at = rules[0]
            .headers
            .iter()
            .find(|h| h.text == "*")
            .map(|h| h.at);
        p.request_headers = Some(vec![Noted {
            value: "mirror".to_string(),
            at,
            comment: Some(format!(
                "{}'s request header * answers with the headers the preflight asks for",
                service.name
            )),
        }]);
    } else if !names.is_empty() {
        p.request_headers = Some(
            names
                .iter()
                .map(|h| Noted::at(h.text.clone(), h.at))
                .collect(),
        );
    }
    // Exposed headers: the intersection.
    let expose: Vec<Noted<String>> = rules[0]
        .expose
        .iter()
        .filter(|e| service.header_star_mirrors || e.text != "*")
        .filter(|e| {
            rules.iter().all(|r| {
                r.expose
                    .iter()
                    .any(|x| x.text.eq_ignore_ascii_case(&e.text))
            })
        })
        .map(|e| Noted::at(e.text.clone(), e.at))
        .collect();
    if !expose.is_empty() {
        p.expose_headers = Some(expose);
    }
    // Max-age: the smallest, and none if a rule sends none.
    let ages: Vec<Option<(u64, Loc)>> = rules
        .iter()
        .map(|r| {
            r.max_age
                .as_ref()
                .and_then(|v| v.text.parse::<u64>().ok().map(|n| (n, v.at)))
        })
        .collect();
    for r in rules {
        if let Some(v) = &r.max_age {
            if v.text.parse::<u64>().is_err() {
                cx.unreadable(
                    v.at,
                    format!(
                        "the max-age `{}` is not a whole number",
                        comment_text(&v.text)
                    ),
                    format!("{} refuses this configuration", service.name),
                );
            }
        }
    }
    if ages.iter().all(Option::is_some) {
        if let Some((n, at)) = ages.iter().flatten().min_by_key(|(n, _)| *n) {
            p.max_age = Some(Noted::at(*n, *at));
        }
    }
    // Credentials: sent for every matched origin but `*`.
    if service.credentials && p.origins.iter().any(|o| o.value != OriginValue::Any) {
        let at = rules[0].origins.first().map_or(first_at, |o| o.at);
        cx.implicit(
            at,
            "S3 sends `Access-Control-Allow-Credentials: true` for every allowed origin but `*`: the policy allows credentials",
            "S3 has no setting to turn this off; keep the origins to those trusted with the user's cookies",
        );
        let mut c = Noted::implied(
            true,
            "S3 sends Access-Control-Allow-Credentials: true for every origin but *",
        );
        c.at = Some(at);
        p.credentials = Some(c);
        if any {
            // `*` beside credentials: S3 answers `*` without credentials for origins only `*`
            // matches; the language cannot say both, so `*` goes.
            let star = p
                .origins
                .iter()
                .find(|o| o.value == OriginValue::Any)
                .and_then(|o| o.at);
            p.origins.retain(|o| o.value != OriginValue::Any);
            cx.narrowed(
                star.unwrap_or(at),
                "`*` is answered without credentials and the other origins with them; one corsc policy cannot say both, so `*` is left out",
                "put public and credentialed origins in separate buckets, or write the policy by hand",
            );
        }
    }
    if p.origins.is_empty() {
        return None;
    }
    Some(p)
}

/// Whether the rule allows the method, by name or by a `*` the service takes.
fn has_method(service: &Service, r: &Rule, m: &str) -> bool {
    let star = (service.method_ok)("*");
    r.methods
        .iter()
        .any(|x| x.text == m || (star && x.text == "*"))
}

/// Reading the JSON forms with the place of every value: `serde_json` reads the structure,
/// and a small scanner over the same text finds where each array and string is (serde_json
/// keeps no positions).
pub mod json {
    // Named from the crate root: the layout test's reader of imports takes `super` in an
    // inline module as the file's parent.
    use crate::import::bucket::{line_col_offset, Rule, Val};
    use crate::import::context::Context;
    use crate::import::draft::Loc;
    use serde_json::Value;

    /// The JSON keys of one rule: origins, methods, request headers, exposed headers, max-age.
    /// A key may repeat: Cloud Storage's `responseHeader` is both the request headers and the
    /// exposed headers.
    pub type Keys = [&'static str; 5];

    /// The end of the JSON value that starts at `i` (an object, array or string), skipping
    /// strings.
    fn end_of(b: &[u8], i: usize) -> usize {
        if b.get(i) == Some(&b'"') {
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    b'"' => return j + 1,
                    _ => j += 1,
                }
            }
            return b.len();
        }
        let mut depth = 0usize;
        let mut j = i;
        while j < b.len() {
            match b[j] {
                b'"' => {
                    j = end_of(b, j);
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                b',' if depth == 0 => return j,
                _ => {}
            }
            j += 1;
        }
        b.len()
    }

    /// A member or element: its key's span (objects only), and where its value starts and ends.
    type Child = (Option<(usize, usize)>, usize, usize);

    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }

    /// The elements of the array or the members of the object at `range`: (key span, value
    /// start, value end).
    fn children(b: &[u8], range: (usize, usize)) -> Vec<Child> {
        let mut out = Vec::new();
        let obj = b.get(range.0) == Some(&b'{');
        let mut i = range.0 + 1;
        while i < range.1 {
            i = skip_ws(b, i);
            if i >= range.1 || matches!(b[i], b']' | b'}') {
                break;
            }
            let mut key = None;
            if obj {
                let k_end = end_of(b, i);
                key = Some((i, k_end));
                i = skip_ws(b, k_end);
                if b.get(i) == Some(&b':') {
                    i = skip_ws(b, i + 1);
                }
            }
            let end = end_of(b, i).min(range.1);
            out.push((key, i, end));
            i = skip_ws(b, end);
            if b.get(i) == Some(&b',') {
                i += 1;
            }
        }
        out
    }

    /// The rules of the JSON forms: an array of rules, or an object holding one under the
    /// first of `lists` it has (`CORSRules`; `cors`, `cors_config`). `fmt` is the `--from`
    /// value, for messages.
    pub fn rules(
        cx: &mut Context,
        file: usize,
        text: &str,
        fmt: &str,
        lists: &[&str],
        keys: Keys,
    ) -> Option<Vec<Rule>> {
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let at = line_col_offset(text, e.line(), e.column());
                cx.unreadable(
                    Loc::new(file, at, at),
                    format!("this is not valid JSON: {e}"),
                    format!(
                        "`corsc import --from {fmt}` reads the bucket's CORS configuration as JSON"
                    ),
                );
                return None;
            }
        };
        let b = text.as_bytes();
        let start = skip_ws(b, 0);
        let top = (start, end_of(b, start));
        let (list, range) = match &value {
            Value::Array(a) => (a, top),
            Value::Object(o) => {
                let found = lists.iter().find_map(|k| match o.get(*k) {
                    Some(Value::Array(a)) => Some((*k, a)),
                    _ => None,
                });
                let Some((key, a)) = found else {
                    let names: Vec<String> = lists.iter().map(|k| format!("`{k}`")).collect();
                    cx.unreadable(
                        Loc::new(file, start, start),
                        format!("no {} list was found: this is not a bucket's CORS configuration", names.join(" or ")),
                        format!("`corsc import --from {fmt}` reads the bucket's CORS configuration as JSON"),
                    );
                    return None;
                };
                let r = children(b, top)
                    .into_iter()
                    .find(|(k, _, _)| k.is_some_and(|(s, e)| text[s..e] == format!("\"{key}\"")))
                    .map_or(top, |(_, s, e)| (s, e));
                (a, r)
            }
            _ => {
                cx.unreadable(
                    Loc::new(file, start, start),
                    "this JSON is neither a list of CORS rules nor an object holding one",
                    format!(
                        "`corsc import --from {fmt}` reads the bucket's CORS configuration as JSON"
                    ),
                );
                return None;
            }
        };
        let spans = children(b, range);
        let mut rules = Vec::new();
        for (n, rule) in list.iter().enumerate() {
            let span = spans.get(n).map_or(range, |(_, s, e)| (*s, *e));
            let at = Loc::new(file, span.0, span.0 + 1);
            let Some(obj) = rule.as_object() else {
                cx.unreadable(
                    at,
                    "a CORS rule is not an object",
                    "each rule is an object of lists",
                );
                continue;
            };
            let members = children(b, span);
            let member = |k: &str| {
                members
                    .iter()
                    .find(|(key, _, _)| key.is_some_and(|(s, e)| text[s..e] == format!("\"{k}\"")))
                    .map(|(_, s, e)| (*s, *e))
            };
            let mut r = Rule {
                at: Some(at),
                ..Rule::default()
            };
            for (i, k) in keys.iter().enumerate() {
                let Some(v) = obj.get(*k) else { continue };
                let vr = member(k).unwrap_or(span);
                let vals: Vec<Val> = match v {
                    Value::Array(items) => {
                        let item_spans = children(b, vr);
                        items
                            .iter()
                            .enumerate()
                            .filter_map(|(j, it)| {
                                let s = item_spans.get(j).map_or(vr, |(_, s, e)| (*s, *e));
                                let t = match it {
                                    Value::String(s) => s.clone(),
                                    Value::Number(n) => n.to_string(),
                                    _ => return None,
                                };
                                Some(Val {
                                    text: t,
                                    at: Loc::new(file, s.0, s.1),
                                })
                            })
                            .collect()
                    }
                    Value::String(s) => vec![Val {
                        text: s.clone(),
                        at: Loc::new(file, vr.0, vr.1),
                    }],
                    Value::Number(n) => vec![Val {
                        text: n.to_string(),
                        at: Loc::new(file, vr.0, vr.1),
                    }],
                    _ => Vec::new(),
                };
                match i {
                    0 => r.origins = vals,
                    1 => r.methods = vals,
                    2 => r.headers = vals,
                    3 => r.expose = vals,
                    _ => r.max_age = vals.into_iter().next(),
                }
            }
            rules.push(r);
        }
        Some(rules)
    }
}
