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

use crate::import::bucket::{self, json, line_col_offset, Rule, Service, Val};
use crate::import::context::{Context, FormatMeta, Importer};
use crate::import::draft::{Draft, Loc, OriginValue};
use crate::import::render::comment_text;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "s3",
    name: "Amazon S3 bucket CORS",
    reads: "the JSON of `aws s3api get-bucket-cors` or the XML <CORSConfiguration>",
};

/// The importer.
pub struct S3;

/// S3's reading of the rules.
static SERVICE: Service = Service {
    name: "S3",
    methods: "GET, PUT, POST, DELETE, HEAD",
    method_ok,
    origin,
    credentials: true,
    header_star_mirrors: true,
};

/// The JSON keys of one rule, as `aws s3api get-bucket-cors` prints them.
const KEYS: json::Keys = [
    "AllowedOrigins",
    "AllowedMethods",
    "AllowedHeaders",
    "ExposeHeaders",
    "MaxAgeSeconds",
];

impl Importer for S3 {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        bucket::read_files(&SERVICE, cx, files, |cx, file, text| {
            if text.trim_start().starts_with('<') {
                xml(cx, file, text)
            } else {
                json::rules(cx, file, text, "s3", &["CORSRules"], KEYS)
            }
        })
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
            format!(
                "the root element is <{}>, not <CORSConfiguration>",
                comment_text(root.tag_name().name())
            ),
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
            let v = Val {
                text,
                at: Loc::new(file, fr.start, fr.end),
            };
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

/// Whether S3 takes the method.
fn method_ok(m: &str) -> bool {
    matches!(m, "GET" | "PUT" | "POST" | "DELETE" | "HEAD")
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
        cx.unreadable(
            o.at,
            format!(
                "`{}` holds more than one `*`, which S3 refuses",
                comment_text(s)
            ),
            "S3 takes one `*` per origin",
        );
        return None;
    }
    if let Some((scheme, rest)) = s.split_once("://*.") {
        if !rest.is_empty()
            && !scheme.contains('*')
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        {
            return Some(OriginValue::Origin(s.to_string()));
        }
    }
    let (a, b) = s.split_once('*').unwrap_or((s, ""));
    Some(OriginValue::Regex(format!(
        "^{}.*{}$",
        regex::escape(a),
        regex::escape(b)
    )))
}
