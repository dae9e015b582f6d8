//! Rails and Rack: `config/initializers/cors.rb` configuring rack-cors (`Rack::Cors`), or a
//! `config.ru` using the same configuration in front of a plain Rack application.
//!
//! How the output works, and why (read in rack-cors 1.1.1, `lib/rack/cors.rb`):
//!
//! - **One `allow` block per policy, one `resource` per scope,** each resource guarded by an
//!   `if:` lambda that says whether its policy owns the request. rack-cors answers with the
//!   first block whose `origins` accept the `Origin` and that has a resource matching the path,
//!   so without the guard a request refused by the most specific policy would fall through to a
//!   less specific one that allows its origin. The guard picks the most specific scope, as the
//!   evaluator does, on the path rack-cors matches (`Rack::Utils.unescape_path`, then
//!   `clean_path_info`), and answers nothing when the path as sent selects another policy
//!   (Rails routes on that form) or decodes to NUL or invalid UTF-8.
//! - **Origins are a block, never strings.** rack-cors turns an origin string without a
//!   scheme into an unanchored host regex and compares the rest with `===`; the block looks the
//!   `Origin` up in a `Set` (one hash lookup however long the list) and runs patterns and `regex`
//!   entries as one `Regexp` anchored with `\A…\z` (`^`/`$` are line anchors in Ruby), only on
//!   printable-ASCII origins no longer than any browser sends (Ruby's regex engine backtracks).
//!   rack-cors copies `X-Origin` into a missing `Origin`; the copy is refused.
//! - **Preflights.** rack-cors compares `Access-Control-Request-Method` ignoring case, always
//!   allows `Accept`, `Accept-Language`, `Content-Language` and `Content-Type`, and echoes
//!   every requested header under `headers: :any`. The guard compares the method byte for byte
//!   and the requested headers with the policy's list (`authorization` only when listed beside
//!   `*`), so a preflight the policy refuses gets rack-cors' refusal: 200 with no CORS headers.
//!   `GET`, `HEAD` and `POST` are always in `methods:` (browsers never need them listed); a
//!   method not in upper case is refused (rack-cors answers it upper-cased), and so is
//!   `methods *` (its `:any` is a fixed list).
//! - **Max-age.** rack-cors sends `Access-Control-Max-Age: 7200` unless told otherwise: a
//!   policy without `max-age` gets `max_age: 0` (no caching, never longer than the policy).
//! - **Never `*` with credentials** (the plan refuses it; rack-cors raises). `origins "*"` makes
//!   rack-cors answer a literal `*`. Private network: rack-cors has no option for it, refused.

use crate::emit::capability::{Capabilities, RegexDialect, Shape, Support};
use crate::emit::idents::IdentScheme;
use crate::emit::lang::{ruby, strings};
use crate::emit::limits::Limit;
use crate::emit::meta::TargetMeta;
use crate::emit::output::Output;
use crate::emit::ownership::Layer;
use crate::emit::plan::{items, Origins, Plan, PolicyPlan, Scope};
use crate::emit::provenance::Provenance;
use crate::emit::scopes::title;
use crate::emit::target::Target;
use crate::emit::writer::Writer;
use crate::fetch::MAX_ORIGIN_BYTES;
use crate::regex::Engine;

/// The Rails / Rack target.
pub struct Rails;

static CAPS: Capabilities = Capabilities {
    min_version: "(any) with rack-cors 1.1.1 on Rack 2.2 and Ruby 3.1",
    regex_dialect: RegexDialect::Engine(Engine::Ruby),
    private_network: Support::No,
    routing: crate::eval::Routing::Rack,
    shapes: &[Shape::Include, Shape::Server],
    modules: &["rack-cors"],
    syntax: crate::emit::capability::Syntax {
        // Onigmo refuses a repetition count above 100,000 when the file loads.
        max_regex_repeat: 100_000,
        ..crate::emit::capability::Syntax::LIBRARY_API
    },
    ..Capabilities::COMMON
};

static LIMITS: &[Limit] = &[
    Limit::PortableRegex,
    Limit::MethodWildcard,
    Limit::UppercasedMethods,
];

/// The `rails` target, as data.
pub static META: TargetMeta = TargetMeta {
    id: "rails",
    aliases: &["rack"],
    name: "Rails / Rack (rack-cors)",
    doc_short: "config/initializers/cors.rb for rack-cors (or a config.ru with --shape server)",
    layer: Layer::App,
    capabilities: &CAPS,
    limits: LIMITS,
    // Policies are named by string keys only: no policy name becomes a Ruby identifier.
    idents: &IdentScheme::NONE,
};

impl Target for Rails {
    fn meta(&self) -> &'static TargetMeta {
        &META
    }

    fn render(&self, plan: &Plan<'_>, provenance: &Provenance) -> Output {
        let server = plan.options.shape == Shape::Server;
        let mut w = Writer::new();
        // Ruby reads magic comments in the first comment block: this one is fixed first.
        w.line("# frozen_string_literal: true");
        let usage: &[&str] = if server {
            &[
                "",
                "A Rack application answering CORS with rack-cors, for trying the policy:",
                "    rackup -o 127.0.0.1 -p 8080 config.ru",
                "In your own config.ru, copy the CorscCors module and the `use Rack::Cors` block,",
                "and keep `use Rack::Cors` before every other middleware.",
            ]
        } else {
            &[
                "",
                "Rails: config/initializers/cors.rb, with `gem \"rack-cors\"` in the Gemfile.",
                "It inserts Rack::Cors first in the middleware stack, so preflights are answered",
                "before authentication and routing.",
            ]
        };
        w.app_module_header("#", provenance, &META, usage, plan.owner);
        w.line("require \"set\"");
        w.line("require \"rack/cors\"");
        w.blank();
        w.comment("The policies, and the checks rack-cors does not make as the policy says.");
        w.open("module CorscCors");
        w.text(RUNTIME_CONSTANTS);
        w.line(format!("MAX_ORIGIN_LENGTH = {MAX_ORIGIN_BYTES}"));
        w.blank();
        w.open("POLICIES = {");
        for p in &plan.policies {
            policy(&mut w, p);
        }
        w.close("}.freeze");
        w.blank();
        scopes(&mut w, plan);
        w.blank();
        w.text(RUNTIME);
        w.close("end");
        w.blank();
        if server {
            w.line("use Rack::Cors do");
        } else {
            w.line("Rails.application.config.middleware.insert_before 0, Rack::Cors do");
        }
        w.indent();
        for loc_policy in policies_by_specificity(plan) {
            allow(&mut w, plan, loc_policy);
        }
        w.dedent();
        w.line("end");
        if server {
            w.blank();
            w.comment("Every request the policies let through reaches this application.");
            w.line("run ->(_env) { [200, { \"content-type\" => \"text/plain\" }, [\"ok\\n\"]] }");
        }
        let text = two_space_indent(&w.finish());
        if server {
            Output::one("config.ru", "the Rack application's config.ru", text)
        } else {
            Output::one("cors.rb", "config/initializers/ of the Rails app", text)
        }
    }
}

/// Ruby is indented by two spaces (the writer indents by four, and the Ruby text below is
/// written with four to match): every line's leading spaces are halved. No line of the output
/// starts inside a string literal (the escaper writes a line end as `\u{a}`), so leading
/// spaces are always indentation.
fn two_space_indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let n = line.len() - body.len();
        out.push_str(&" ".repeat(n / 2));
        out.push_str(body);
    }
    out
}

/// The policies, the one with the most specific scope first (rack-cors tries blocks in
/// order; the guards make the order irrelevant, this one reads naturally).
fn policies_by_specificity(plan: &Plan<'_>) -> Vec<usize> {
    let mut seen = Vec::new();
    for loc in plan.locations.iter().rev() {
        if !seen.contains(&loc.policy) {
            seen.push(loc.policy);
        }
    }
    seen
}

/// One policy's entry in `POLICIES`.
fn policy(w: &mut Writer, p: &PolicyPlan<'_>) {
    w.comment(title(p));
    w.open(format!("{} => Policy.new(", strings::ruby(p.name)));
    w.line(format!("name: {},", strings::ruby(p.name)));
    let (exact, regexes) = p.origins.joined();
    if exact.is_empty() {
        w.line("exact: Set.new.freeze,");
    } else {
        w.items(
            "exact: Set[",
            exact.iter().map(|o| strings::ruby(o)),
            "].freeze,",
        );
    }
    if regexes.is_empty() {
        w.line("patterns: [].freeze,");
    } else {
        w.items(
            "patterns: [",
            regexes.iter().map(|r| ruby::regexp(r)),
            "].freeze,",
        );
    }
    let methods: Vec<&str> = p
        .policy
        .methods
        .value
        .list
        .iter()
        .map(|m| m.node.as_str())
        .collect();
    w.line(format!("methods: {}.freeze,", ruby::array(&methods)));
    let rh = &p.policy.request_headers.value;
    let listed: Vec<String> = rh
        .list
        .iter()
        .map(|h| h.node.to_ascii_lowercase())
        .collect();
    let headers = if rh.mirror.is_some()
        || (rh.any.is_some() && listed.iter().any(|h| h == "authorization"))
    {
        ":any".to_string()
    } else if rh.any.is_some() {
        ":any_but_authorization".to_string()
    } else if listed.is_empty() {
        "Set.new.freeze".to_string()
    } else {
        format!("Set{}.freeze", ruby::array(&listed))
    };
    w.line(format!("headers: {headers},"));
    w.close("),");
}

/// `SCOPES`: each scope as rack-cors reads paths and as it is written (the path as sent),
/// with its policy's name.
fn scopes(w: &mut Writer, plan: &Plan<'_>) {
    let routing = plan.capabilities.routing;
    w.comment("[exact, path as rack-cors reads it, path as written, policy]. The most specific");
    w.comment("scope that matches wins: exact over prefix, then the longest.");
    w.open("SCOPES = [");
    for loc in &plan.locations {
        let (exact, path) = match &loc.scope {
            Scope::Exact(x) => (true, x),
            Scope::Prefix(x) => (false, x),
        };
        w.line(format!(
            "[{exact}, {}, {}, {}].freeze,",
            strings::ruby(&routing.scope(path)),
            strings::ruby(path),
            strings::ruby(plan.policies[loc.policy].name)
        ));
    }
    w.close("].freeze");
}

/// One policy's `allow` block: its origins and one guarded resource per scope.
fn allow(w: &mut Writer, plan: &Plan<'_>, index: usize) {
    let p = &plan.policies[index];
    let name = strings::ruby(p.name);
    let routing = plan.capabilities.routing;
    w.comment(title(p));
    w.open("allow do");
    if p.origins == Origins::Any {
        w.line("origins \"*\"");
    } else {
        w.line(format!(
            "origins {{ |source, env| CorscCors.origin_allowed?({name}, source, env) }}"
        ));
    }
    let mut methods: Vec<String> = vec!["get".into(), "head".into(), "post".into()];
    for m in &p.policy.methods.value.list {
        let m = m.node.to_ascii_lowercase();
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    let rh = &p.policy.request_headers.value;
    let headers = if rh.any.is_some() || rh.mirror.is_some() {
        ":any".to_string()
    } else {
        ruby::array(rh.list.iter().map(|h| h.node.to_ascii_lowercase()))
    };
    for loc in plan.locations.iter().rev().filter(|l| l.policy == index) {
        let (exact, path) = match &loc.scope {
            Scope::Exact(x) => (true, routing.scope(x)),
            Scope::Prefix(x) => (false, routing.scope(x)),
        };
        w.line(format!(
            "resource CorscCors.path_pattern({exact}, {}),",
            strings::ruby(&path)
        ));
        w.indent();
        w.line(format!(
            "if: ->(env) {{ CorscCors.answers?({name}, env) }},"
        ));
        w.line(format!("methods: {},", ruby::array(&methods)));
        w.line(format!("headers: {headers},"));
        if let Some(e) = &p.expose {
            w.line(format!("expose: {},", ruby::array(items(e))));
        }
        w.line(format!("credentials: {},", p.credentials));
        w.line(format!("max_age: {}", p.max_age.unwrap_or(0)));
        w.dedent();
    }
    w.close("end");
}

/// The constants the policies use, before them.
const RUNTIME_CONSTANTS: &str = r#"# One policy: exact origins (a Set), patterns (anchored Regexps), the methods a preflight
# may ask for beside GET, HEAD and POST (compared byte for byte), and the request headers
# (lower case; :any, or :any_but_authorization for `*`, which never covers Authorization).
Policy = Struct.new(:name, :exact, :patterns, :methods, :headers, keyword_init: true)

SAFELISTED_METHODS = ["GET", "HEAD", "POST"].freeze

# Browsers send serialized origins: printable ASCII, no space. Patterns see nothing else.
PRINTABLE = /\A[\x21-\x7e]+\z/.freeze

# The longest Origin tested against a pattern; a longer one is refused first: Ruby's Regexp
# backtracks, and no browser sends an origin this long (a DNS name has at most 253 bytes)."#;

/// The checks rack-cors is handed, after the tables.
const RUNTIME: &str = r#"# rack-cors' resource path: an anchored Regexp (its own globs turn `/api/*` into
# `^/api\/?(.*?)$`, which also matches `/apis`).
def self.path_pattern(exact, path)
    Regexp.new("\\A#{Regexp.escape(path)}#{exact ? '\\z' : ''}")
end

# The policy whose scope is the most specific match for a path, or nil.
def self.select(path, column)
    best = nil
    SCOPES.each do |scope|
        exact, scope_path, name = scope[0], scope[column], scope[3]
        next unless exact ? path == scope_path : path.start_with?(scope_path)
        key = [exact ? 1 : 0, scope_path.bytesize]
        best = [key, name] if best.nil? || (key <=> best[0]) >= 0
    end
    best && best[1]
end

# The policy that owns a request: the most specific scope on the path as rack-cors reads it,
# when the path as sent (what the application's router may read) selects the same one.
def self.policy_for(env)
    raw = env["PATH_INFO"].to_s
    path = Rack::Utils.unescape_path(raw).dup.force_encoding(Encoding::UTF_8)
    return nil unless path.valid_encoding? && !path.include?("\0")
    own = select(Rack::Utils.clean_path_info(path), 1)
    return nil unless own && own == select(raw.b.force_encoding(Encoding::UTF_8), 2)
    POLICIES.fetch(own)
end

# Whether the Origin is one the policy allows. rack-cors copies X-Origin into a missing
# Origin (the same String object): that copy is no browser's Origin.
def self.origin_allowed?(name, source, env)
    return false unless source.is_a?(String) && !source.equal?(env["HTTP_X_ORIGIN"])
    policy = POLICIES.fetch(name)
    return true if policy.exact.include?(source)
    source.bytesize <= MAX_ORIGIN_LENGTH && PRINTABLE.match?(source) &&
        policy.patterns.any? { |re| re.match?(source) }
end

# The resource guard: this policy owns the request, and a preflight asks only for what the
# policy allows (rack-cors ignores the method's case and always allows four headers).
def self.answers?(name, env)
    policy = policy_for(env)
    return false unless policy && policy.name == name
    method = env["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    return true unless env["REQUEST_METHOD"] == "OPTIONS" && method
    return false unless SAFELISTED_METHODS.include?(method) || policy.methods.include?(method)
    requested = env["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"]
    return true if requested.nil? || policy.headers == :any
    names = requested.split(",").map { |h| h.strip.downcase }.reject(&:empty?)
    return !names.include?("authorization") if policy.headers == :any_but_authorization
    names.all? { |h| policy.headers.include?(h) }
end"#;
