//! `--from s3`: an Amazon S3 bucket's CORS configuration, as `aws s3api get-bucket-cors` prints
//! it (`{"CORSRules": [...]}`) or as the XML `<CORSConfiguration>` of the REST API.
//!
//! S3's semantics (Amazon S3 user guide, "Elements of a CORS configuration", and the common
//! response headers of the API reference): a bucket's rules apply to every object, so the
//! policy has no path scope. The first rule that matches the origin, the method and every
//! requested header answers. An origin may hold one `*`, which matches any characters:
//! `*` alone is any origin (answered with `Access-Control-Allow-Origin: *` and no credentials),
//! `https://*.example.com` is the language's subdomain pattern, any other place is written as
//! the equivalent regex. For every origin but `*`, S3 reflects the origin and sends
//! `Access-Control-Allow-Credentials: true`: credentials are implied (I105). `AllowedHeaders`
//! `*` echoes whatever the preflight asks (`mirror`); a name with a `*` in it (`x-amz-*`) is
//! left out. Rules that differ only in their origins are one policy, exactly; rules that
//! differ otherwise are written as one policy that allows, for every origin, only what every
//! rule allows (the intersection), which is never more than S3 allows.
//!
//! S3 checks the method of simple requests too; the language answers every simple request of
//! an allowed origin. A configuration without `GET` is left out; one without `HEAD` or `POST`
//! is kept and reported: a simple `HEAD` reveals nothing a `GET` does not, and S3 answers a
//! `POST` to a bucket without a form-upload policy with an error.

use crate::import::context::{Context, FormatMeta, Importer};
use crate::import::draft::{Draft, DraftPolicy, Loc, Noted, OriginValue};
use crate::import::render::comment_text;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "s3",
    name: "Amazon S3 bucket CORS",
    reads: "the JSON of `aws s3api get-bucket-cors` or the XML <CORSConfiguration>",
};

/// The importer.
pub struct S3;

/// One value and where it is written.
#[derive(Clone, Debug)]
struct Val {
    text: String,
    at: Loc,
}

/// One `CORSRule`.
#[derive(Clone, Debug, Default)]
struct Rule {
    at: Option<Loc>,
    origins: Vec<Val>,
    methods: Vec<Val>,
    headers: Vec<Val>,
    expose: Vec<Val>,
    max_age: Option<Val>,
}

impl Rule {
    /// What the rule allows besides its origins.
    fn key(&self) -> String {
        let mut m: Vec<String> = self.methods.iter().map(|v| v.text.clone()).collect();
        m.sort();
        let mut h: Vec<String> = self.headers.iter().map(|v| v.text.to_ascii_lowercase()).collect();
        h.sort();
        let mut e: Vec<String> = self.expose.iter().map(|v| v.text.to_ascii_lowercase()).collect();
        e.sort();
        format!("{m:?}|{h:?}|{e:?}|{:?}", self.max_age.as_ref().map(|v| &v.text))
    }
}

impl Importer for S3 {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        let mut draft = Draft::default();
        for &file in files {
            let text = cx.text(file).to_string();
            let rules = if text.trim_start().starts_with('<') {
                xml(cx, file, &text)
            } else {
                json::rules(cx, file, &text, "CORSRules", json::S3_KEYS)
            };
            if let Some(rules) = rules {
                if let Some(p) = policy(cx, file, &rules, "bucket") {
                    draft.policies.push(p);
                }
            }
        }
        draft
    }
}

/// The rules of the XML form.
fn xml(cx: &mut Context, file: usize, text: &str) -> Option<Vec<Rule>> {
    let doc = match roxmltree::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let pos = e.pos();
            let at = line_col_offset(text, pos.row as usize, pos.col as usize);
            cx.unreadable(
                Loc::new(file, at, at),
                format!("this is not valid XML: {e}"),
                "`corsc import --from s3` reads the JSON of `aws s3api get-bucket-cors` or the XML <CORSConfiguration>",
            );
            return None;
        }
    };
    let root = doc.root_element();
    if root.tag_name().name() != "CORSConfiguration" {
        let r = root.range();
        cx.unreadable(
            Loc::new(file, r.start, r.start),
            format!("the root element is <{}>, not <CORSConfiguration>", comment_text(root.tag_name().name())),
            "`corsc import --from s3` reads the XML <CORSConfiguration> of a bucket",
        );
        return None;
    }
    let mut rules = Vec::new();
    for r in root.children().filter(|n| n.is_element()) {
        if r.tag_name().name() != "CORSRule" {
            continue;
        }
        let range = r.range();
        let mut rule = Rule {
            at: Some(Loc::new(file, range.start, range.end.min(range.start + 10))),
            ..Rule::default()
        };
        for f in r.children().filter(|n| n.is_element()) {
            let text: String = f.text().unwrap_or_default().trim().to_string();
            let fr = f.range();
            let v = Val { text, at: Loc::new(file, fr.start, fr.end) };
            match f.tag_name().name() {
                "AllowedOrigin" => rule.origins.push(v),
                "AllowedMethod" => rule.methods.push(v),
                "AllowedHeader" => rule.headers.push(v),
                "ExposeHeader" => rule.expose.push(v),
                "MaxAgeSeconds" => rule.max_age = Some(v),
                _ => {}
            }
        }
        rules.push(rule);
    }
    Some(rules)
}

/// The byte offset of a 1-based line and column.
fn line_col_offset(text: &str, row: usize, col: usize) -> usize {
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

/// Whether a header name or origin may be written; values with control characters are
/// refused by the writer, which reports them.
fn method_ok(m: &str) -> bool {
    matches!(m, "GET" | "PUT" | "POST" | "DELETE" | "HEAD")
}

/// The policy the rules amount to, or `None` when nothing can be written without widening.
fn policy(cx: &mut Context, file: usize, rules: &[Rule], name: &str) -> Option<DraftPolicy> {
    if rules.is_empty() {
        return None;
    }
    let first_at = rules.iter().find_map(|r| r.at).unwrap_or(Loc::new(file, 0, 0));
    let mut p = DraftPolicy::new(name, Some(first_at));
    p.comments.push(
        "S3 bucket CORS applies to every object of the bucket; the first rule that matches the origin, method and headers answers."
            .to_string(),
    );
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
            "The rules differ: every origin gets only what every rule allows (their intersection).".to_string(),
        );
    }
    // Origins.
    let mut any = false;
    for r in rules {
        for o in &r.origins {
            if let Some(v) = origin(cx, o) {
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
        if !method_ok(&m.text) {
            cx.ignored(
                m.at,
                format!("`{}` is not a method S3 takes (GET, PUT, POST, DELETE, HEAD)", comment_text(&m.text)),
                "S3 refuses this configuration; list only GET, PUT, POST, DELETE and HEAD",
            );
            continue;
        }
        if rules.iter().all(|r| r.methods.iter().any(|x| x.text == m.text)) && !methods.iter().any(|x| x.text == m.text) {
            methods.push(m.clone());
        }
    }
    if !methods.iter().any(|m| m.text == "GET") {
        cx.narrowed(
            first_at,
            "S3 answers no simple GET here, but a corsc policy answers every simple request of an allowed origin: the policy is left out",
            "add GET to AllowedMethods if reads may be shared, or write the policy by hand",
        );
        return None;
    }
    let missing: Vec<&str> = ["HEAD", "POST"]
        .into_iter()
        .filter(|s| !methods.iter().any(|m| m.text == *s))
        .collect();
    if !missing.is_empty() {
        cx.narrowed(
            methods[0].at,
            format!(
                "S3 answers no simple {} request here; a corsc policy answers every simple request of an allowed origin (a HEAD reveals nothing a GET does not, and S3 answers a POST without a form-upload policy with an error)",
                missing.join(" or ")
            ),
            "add them to AllowedMethods if that is meant",
        );
    }
    p.methods = Some(methods.iter().map(|m| Noted::at(m.text.clone(), m.at)).collect());
    // Request headers: `*` echoes what is asked; names with a `*` inside cannot be said.
    let mut mirror = true;
    let mut names: Vec<Val> = Vec::new();
    for r in rules {
        let star = r.headers.iter().any(|h| h.text == "*");
        mirror &= star;
    }
    if !mirror {
        for h in rules.iter().flat_map(|r| &r.headers) {
            if h.text == "*" {
                continue;
            }
            let lower = h.text.to_ascii_lowercase();
            let in_all = rules.iter().all(|r| {
                r.headers.iter().any(|x| x.text == "*" || x.text.eq_ignore_ascii_case(&lower))
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
        let at = rules[0].headers.iter().find(|h| h.text == "*").map(|h| h.at);
        p.request_headers = Some(vec![Noted {
            value: "mirror".to_string(),
            at,
            comment: Some("S3's AllowedHeader * answers with the headers the preflight asks for".to_string()),
        }]);
    } else if !names.is_empty() {
        p.request_headers = Some(names.iter().map(|h| Noted::at(h.text.clone(), h.at)).collect());
    }
    // Exposed headers: the intersection.
    let expose: Vec<Noted<String>> = rules[0]
        .expose
        .iter()
        .filter(|e| rules.iter().all(|r| r.expose.iter().any(|x| x.text.eq_ignore_ascii_case(&e.text))))
        .map(|e| Noted::at(e.text.clone(), e.at))
        .collect();
    if !expose.is_empty() {
        p.expose_headers = Some(expose);
    }
    // Max-age: the smallest, and none if a rule sends none.
    let ages: Vec<Option<(u64, Loc)>> = rules
        .iter()
        .map(|r| r.max_age.as_ref().and_then(|v| v.text.parse::<u64>().ok().map(|n| (n, v.at))))
        .collect();
    for r in rules {
        if let Some(v) = &r.max_age {
            if v.text.parse::<u64>().is_err() {
                cx.unreadable(v.at, format!("MaxAgeSeconds `{}` is not a whole number", comment_text(&v.text)), "S3 refuses this configuration");
            }
        }
    }
    if ages.iter().all(Option::is_some) {
        if let Some((n, at)) = ages.iter().flatten().min_by_key(|(n, _)| *n) {
            p.max_age = Some(Noted::at(*n, *at));
        }
    }
    // Credentials: sent for every matched origin but `*`.
    if p.origins.iter().any(|o| o.value != OriginValue::Any) {
        let at = rules[0].origins.first().map_or(first_at, |o| o.at);
        cx.implicit(
            at,
            "S3 sends `Access-Control-Allow-Credentials: true` for every allowed origin but `*`: the policy allows credentials",
            "S3 has no setting to turn this off; keep the origins to those trusted with the user's cookies",
        );
        let mut c = Noted::implied(true, "S3 sends Access-Control-Allow-Credentials: true for every origin but *");
        c.at = Some(at);
        p.credentials = Some(c);
        if any {
            // `*` beside credentials: S3 answers `*` without credentials for origins only `*`
            // matches; the language cannot say both, so `*` goes.
            let star = p.origins.iter().find(|o| o.value == OriginValue::Any).and_then(|o| o.at);
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

/// One `AllowedOrigin` as the language writes it.
fn origin(cx: &mut Context, o: &Val) -> Option<OriginValue> {
    let s = o.text.as_str();
    if s == "*" {
        return Some(OriginValue::Any);
    }
    if s.chars().any(|c| c.is_ascii_uppercase()) {
        cx.narrowed(
            o.at,
            format!("`{}` has upper-case letters, which browsers never send in an origin; it is left out", comment_text(s)),
            "write the origin in lower case, as browsers send it",
        );
        return None;
    }
    let stars = s.matches('*').count();
    if stars == 0 {
        return Some(OriginValue::Origin(s.to_string()));
    }
    if stars > 1 {
        cx.unreadable(o.at, format!("`{}` holds more than one `*`, which S3 refuses", comment_text(s)), "S3 takes one `*` per origin");
        return None;
    }
    if let Some((scheme, rest)) = s.split_once("://*.") {
        if !rest.is_empty() && !scheme.contains('*') && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':')) {
            return Some(OriginValue::Origin(s.to_string()));
        }
    }
    let (a, b) = s.split_once('*').unwrap_or((s, ""));
    Some(OriginValue::Regex(format!("^{}.*{}$", regex::escape(a), regex::escape(b))))
}

/// Reading the JSON forms with the place of every value: `serde_json` reads the structure,
/// and a small scanner over the same text finds where each array and string is (serde_json
/// keeps no positions).
mod json {
    use crate::import::draft::Loc;
    use crate::import::formats::s3::{line_col_offset, Rule, Val};
    use crate::import::context::Context;
    use serde_json::Value;

    /// The JSON keys of one rule: origins, methods, request headers, exposed headers, max-age.
    pub(super) type Keys = [&'static str; 5];
    /// `aws s3api get-bucket-cors`.
    pub(super) const S3_KEYS: Keys = ["AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds"];

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

    /// The rules of the JSON forms: an array of rules, or an object holding one under `key`
    /// (`CORSRules`, `cors`).
    pub(super) fn rules(cx: &mut Context, file: usize, text: &str, key: &str, keys: Keys) -> Option<Vec<Rule>> {
        let fmt = "s3";
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let at = line_col_offset(text, e.line(), e.column());
                cx.unreadable(
                    Loc::new(file, at, at),
                    format!("this is not valid JSON: {e}"),
                    format!("`corsc import --from {fmt}` reads the bucket's CORS configuration as JSON"),
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
                let Some(Value::Array(a)) = o.get(key) else {
                    cx.unreadable(
                        Loc::new(file, start, start),
                        format!("no `{key}` list was found: this is not a bucket's CORS configuration"),
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
                    format!("`corsc import --from {fmt}` reads the bucket's CORS configuration as JSON"),
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
                cx.unreadable(at, "a CORS rule is not an object", "each rule is an object of lists");
                continue;
            };
            let members = children(b, span);
            let member = |k: &str| {
                members
                    .iter()
                    .find(|(key, _, _)| key.is_some_and(|(s, e)| text[s..e] == format!("\"{k}\"")))
                    .map(|(_, s, e)| (*s, *e))
            };
            let mut r = Rule { at: Some(at), ..Rule::default() };
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
                                Some(Val { text: t, at: Loc::new(file, s.0, s.1) })
                            })
                            .collect()
                    }
                    Value::String(s) => vec![Val { text: s.clone(), at: Loc::new(file, vr.0, vr.1) }],
                    Value::Number(n) => vec![Val { text: n.to_string(), at: Loc::new(file, vr.0, vr.1) }],
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
