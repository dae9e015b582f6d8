//! Django: for one policy, a settings fragment for django-cors-headers, imported into the
//! settings module; for several, a small generated middleware that picks the policy by path.
//!
//! How the output works, and why:
//!
//! - **One policy: django-cors-headers.** A settings module holds one `CORS_URLS_REGEX` and one
//!   origin list; one policy's several `paths` become one alternation in `CORS_URLS_REGEX`
//!   (`re.match` on the path, anchored by corsc).
//! - **Several policies: a standalone middleware, not the library's signal.** django-cors-headers
//!   reads every setting (methods, headers, credentials, max-age) from the one settings module,
//!   and its `check_request_enabled` signal can only switch CORS on for a request or allow one
//!   more origin, never choose another policy's lists: a signal handler could only widen the
//!   one policy the settings hold. So a file with several policies becomes `corsc_cors.py`, whose
//!   `CorscCorsMiddleware` answers as django-cors-headers does (preflights `200` with an empty
//!   body, `Vary: Origin` on every answer in a scope, the lists and max-age as written), each
//!   request with the policy of the most specific scope of its `path_info` (percent-decoded,
//!   the path Django's URL resolver matches), as the evaluator decides; paths outside every
//!   scope pass untouched. Exact origins compare byte for byte; patterns and `regex` entries
//!   are the same regexes as in the fragment, after a test of the `Origin`'s length.
//! - **Origins as full-match regexes.** `CORS_ALLOWED_ORIGINS` compares the scheme ignoring
//!   case, and `CORS_ALLOWED_ORIGIN_REGEXES` uses `re.match`, anchored at the start only. Every
//!   origin therefore goes into `CORS_ALLOWED_ORIGIN_REGEXES`: the exact ones as one regex,
//!   their trie (`emit::trie`: one match per request however long the list), patterns and
//!   `regex` entries as corsc's anchored regex, each ending in `\Z` (a Python `$` also matches
//!   before a final newline). `CORS_ALLOWED_ORIGINS` stays empty. Settings cannot run code
//!   before django-cors-headers tests an origin, so the bound on its length is in the regexes:
//!   each pattern and `regex` entry opens with a lookahead that fails on an `Origin` longer
//!   than any browser sends, and `re`, which backtracks, never runs the rest on one (exact
//!   origins, escaped, read each byte once and need none).
//! - **Never `*` with credentials.** The plan refuses it; `CORS_ALLOW_ALL_ORIGINS` with
//!   credentials reflects every origin.
//! - **Lists.** django-cors-headers answers preflights with fixed lists, so echoes
//!   (`request-headers mirror`, `*` with credentials) are refused; `*` without credentials is
//!   written as the literal `*` browsers read. A refused origin gets `Vary: Origin` and no
//!   other CORS header.
//! - **Max-age.** Without `max-age` the fragment sets `CORS_PREFLIGHT_MAX_AGE = 0`, which
//!   leaves the header out (the library's default is 86400); `max-age 0` is left out the same
//!   way, and browsers then cache a preflight for 5 seconds.

use crate::emit::capability::{Capabilities, Lookup, RegexDialect, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{python, strings};
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, regex_escape, Allow, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::trie;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Django target.
pub struct Django;

static CAPS: Capabilities = Capabilities {
    min_version: "4.2 (with django-cors-headers 4.3)",
    exact_lookup: Lookup::Trie,
    regex_dialect: RegexDialect::Engine(Engine::Python),
    header_mirroring: Support::No,
    routing: crate::eval::Routing::Django,
    modules: &["django-cors-headers"],
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[Limit::PortableRegex];

/// The `django` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "django",
    aliases: &[],
    name: "Django (django-cors-headers)",
    doc_short: "a settings fragment for django-cors-headers (one policy), or a path-dispatching middleware (several)",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    idents: &IdentScheme::NONE,
};

impl Target for Django {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        if plan.policies.len() > 1 {
            return middleware(plan, provenance);
        }
        let mut w = Writer::new();
        python::header(
            &mut w,
            provenance,
            &META,
            &[
                "",
                "django-cors-headers settings. In the project's settings module:",
                "",
                "    from .cors_settings import *  # noqa: F401,F403",
                "    INSTALLED_APPS += [\"corsheaders\"]",
                "    MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")",
                "",
                "The middleware must come before CommonMiddleware, WhiteNoise and authentication:",
                "their responses would lack CORS headers, and preflights carry no credentials.",
            ],
        );
        w.line(
            "\"\"\"django-cors-headers settings generated by corsc; see the comment above.\"\"\"",
        );
        w.blank();
        let Some(p) = plan.policies.first() else {
            w.comment("No policy: CORS stays off.");
            w.line("CORS_URLS_REGEX = r\"(?!)\"");
            return out(w);
        };
        w.comment(title(p));
        let paths: Vec<String> = plan
            .locations
            .iter()
            .map(|l| match &l.scope {
                Scope::Prefix(x) => regex_escape(x),
                Scope::Exact(x) => format!("{}\\Z", regex_escape(x)),
            })
            .collect();
        w.line(format!(
            "CORS_URLS_REGEX = {}",
            strings::python(&format!("^(?:{})", paths.join("|")))
        ));
        match &p.origins {
            Origins::Any => {
                w.line("CORS_ALLOW_ALL_ORIGINS = True");
                w.line("CORS_ALLOWED_ORIGINS = []");
                w.line("CORS_ALLOWED_ORIGIN_REGEXES = []");
            }
            Origins::List {
                exact, alternation, ..
            } => {
                w.line("CORS_ALLOW_ALL_ORIGINS = False");
                w.comment("Exact origins are one full-match regex too (their trie: one match however long the");
                w.comment("list): CORS_ALLOWED_ORIGINS ignores the scheme's case.");
                w.line("CORS_ALLOWED_ORIGINS = []");
                let words: Vec<&str> = exact.iter().map(String::as_str).collect();
                let exact = (!words.is_empty()).then(|| format!("(?:{})\\Z", trie::regex(&words)));
                // Patterns and regexes as one alternation: the library tries its list in turn.
                let regexes = alternation.iter().map(|r| python::regex(r));
                w.items(
                    "CORS_ALLOWED_ORIGIN_REGEXES = [",
                    exact
                        .into_iter()
                        .chain(regexes)
                        .map(|r| strings::python(&r)),
                    "]",
                );
            }
        }
        w.line(format!(
            "CORS_ALLOW_CREDENTIALS = {}",
            python::boolean(p.credentials)
        ));
        w.line(format!("CORS_ALLOW_METHODS = {}", list(&p.methods)));
        w.line(format!("CORS_ALLOW_HEADERS = {}", list(&p.headers)));
        let expose = p.expose.as_deref().into_iter().flat_map(items);
        w.line(format!("CORS_EXPOSE_HEADERS = {}", python::list(expose)));
        w.line(format!(
            "CORS_PREFLIGHT_MAX_AGE = {}",
            p.max_age.unwrap_or(0)
        ));
        w.line(format!(
            "CORS_ALLOW_PRIVATE_NETWORK = {}",
            python::boolean(p.private_network)
        ));
        out(w)
    }
}

fn list(a: &Allow) -> String {
    match a {
        Allow::Static(s) => python::list(items(s)),
        // Echoes are refused by the plan (no header mirroring); nothing else is left.
        Allow::Omit | Allow::Mirror | Allow::MirrorUnlessAuthorization => "[]".to_string(),
    }
}

fn out(w: Writer) -> Output {
    Output::one(
        "cors_settings.py",
        "next to the Django settings module",
        w.finish(),
    )
}

/// Several policies: `corsc_cors.py` with `CorscCorsMiddleware` (see the module comment).
fn middleware(plan: &Plan<'_>, provenance: &Provenance) -> Output {
    let mut w = Writer::new();
    python::header(
        &mut w,
        provenance,
        &META,
        &[
            "",
            "CORS for Django: one middleware that answers each path scope with its policy.",
            "In the project's settings module:",
            "",
            "    MIDDLEWARE.insert(0, \"corsc_cors.CorscCorsMiddleware\")",
            "",
            "It must come before CommonMiddleware, WhiteNoise and authentication: their",
            "responses would lack CORS headers, and preflights carry no credentials.",
            "It replaces django-cors-headers, which holds one policy per settings module.",
        ],
    );
    w.line("\"\"\"CORS middleware generated by corsc; see the comment above.\"\"\"");
    w.blank();
    w.line("import re");
    w.blank();
    w.line("from django.http import HttpResponse");
    w.line("from django.utils.cache import patch_vary_headers");
    w.blank();
    w.line("__all__ = [\"CorscCorsMiddleware\"]");
    w.blank();
    w.comment("The longest Origin tested against a regex; a longer one is refused first: `re`");
    w.comment("backtracks. No browser sends one this long (a DNS name has at most 253 bytes).");
    w.line(format!("_MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES}"));
    w.blank();
    w.open("_POLICIES = {");
    for p in &plan.policies {
        spec(&mut w, p);
    }
    w.close("}");
    w.blank();
    python::scopes_table(
        &mut w,
        plan,
        "the `path_info` Django's URL resolver matches",
    );
    w.blank();
    w.blank();
    w.text(MIDDLEWARE);
    Output::one(
        "corsc_cors.py",
        "next to the Django settings module",
        w.finish(),
    )
}

/// One policy's entry of `_POLICIES`, in the values django-cors-headers would be given.
fn spec(w: &mut Writer, p: &PolicyPlan<'_>) {
    w.comment(title(p));
    w.open(format!("{}: {{", strings::python(p.name)));
    let (exact, regexes) = p.origins.joined();
    w.line(format!(
        "\"any_origin\": {},",
        python::boolean(p.origins == Origins::Any)
    ));
    w.line(format!("\"exact\": {},", python::list(exact)));
    if regexes.is_empty() {
        w.line("\"regexes\": [],");
    } else {
        w.items(
            "\"regexes\": [",
            regexes.iter().map(|r| strings::python(&python::regex(r))),
            "],",
        );
    }
    w.line(format!(
        "\"credentials\": {},",
        python::boolean(p.credentials)
    ));
    w.line(format!("\"methods\": {},", list(&p.methods)));
    w.line(format!("\"headers\": {},", list(&p.headers)));
    let expose = p.expose.as_deref().into_iter().flat_map(items);
    w.line(format!("\"expose\": {},", python::list(expose)));
    w.line(format!("\"max_age\": {},", p.max_age.unwrap_or(0)));
    w.line(format!(
        "\"private_network\": {},",
        python::boolean(p.private_network)
    ));
    w.close("},");
}

/// The middleware: django-cors-headers' answers (`CorsMiddleware.check_preflight` and
/// `add_response_headers`), with the policy chosen per request.
const MIDDLEWARE: &str = r#"class _Policy:
    """One policy: its origin test and the headers of its answers."""

    def __init__(self, spec):
        self.any_origin = spec["any_origin"]
        self.exact = frozenset(spec["exact"])
        self.regexes = [re.compile(r) for r in spec["regexes"]]
        self.credentials = spec["credentials"]
        self.methods = ", ".join(spec["methods"])
        self.headers = ", ".join(spec["headers"])
        self.expose = ", ".join(spec["expose"])
        self.max_age = spec["max_age"]
        self.private_network = spec["private_network"]

    def allows(self, origin):
        if self.any_origin or origin in self.exact:
            return True
        # re backtracks: an Origin longer than any browser sends is never tested.
        if len(origin) > _MAX_ORIGIN_LENGTH:
            return False
        return any(r.match(origin) for r in self.regexes)

    def add_headers(self, request, response):
        patch_vary_headers(response, ("origin",))
        origin = request.headers.get("origin")
        if not origin or not self.allows(origin):
            return
        if self.any_origin and not self.credentials:
            response["access-control-allow-origin"] = "*"
        else:
            response["access-control-allow-origin"] = origin
        if self.credentials:
            response["access-control-allow-credentials"] = "true"
        if self.expose:
            response["access-control-expose-headers"] = self.expose
        if request.method == "OPTIONS":
            response["access-control-allow-headers"] = self.headers
            response["access-control-allow-methods"] = self.methods
            if self.max_age:
                response["access-control-max-age"] = str(self.max_age)
        if (
            self.private_network
            and request.headers.get("access-control-request-private-network") == "true"
        ):
            response["access-control-allow-private-network"] = "true"


_BY_NAME = {name: _Policy(spec) for name, spec in _POLICIES.items()}


def _policy_for(path):
    """The policy of the most specific scope covering a decoded path, or None."""
    found = None
    for exact, prefix, name in _SCOPES:
        if (path == prefix) if exact else path.startswith(prefix):
            found = _BY_NAME[name]
    return found


class CorscCorsMiddleware:
    """Answers CORS for the paths of the policies' scopes; other paths pass untouched."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = _policy_for(request.path_info)
        if policy is None:
            return self.get_response(request)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = HttpResponse(headers={"content-length": "0"})
        else:
            response = self.get_response(request)
        policy.add_headers(request, response)
        return response"#;

#[cfg(test)]
mod tests {
    use super::MIDDLEWARE;

    /// `re` backtracks: the middleware compares the `Origin`'s length before any regex runs,
    /// after the exact origins (which still compare whatever the length).
    #[test]
    fn the_middleware_bounds_the_origin_before_any_regex() {
        let exact = MIDDLEWARE.find("origin in self.exact").expect("exact");
        let bound = MIDDLEWARE
            .find("len(origin) > _MAX_ORIGIN_LENGTH")
            .expect("bound");
        let regex = MIDDLEWARE.find("r.match(origin)").expect("regex");
        assert!(exact < bound && bound < regex);
    }
}
