//! `--from fastify`: the `@fastify/cors` plugin (also the older `fastify-cors`) as Fastify apps
//! register it, read from JavaScript or TypeScript source with tree-sitter (never run).
//!
//! Its `origin` option works as the `cors` package's does (its `index.js`): a string is sent
//! to every request unchecked (`*` for every origin), `true` reflects the request's `Origin`,
//! a RegExp is searched (`test`, not anchored unless the pattern is), an array is tried
//! item by item, `false` turns the plugin off. No `allowedHeaders`: the requested headers are
//! echoed. No `methods`: `GET,HEAD,POST` since v10 (`GET,HEAD,PUT,PATCH,POST,DELETE` before;
//! the import takes the narrower and says so). `preflight: false` answers no preflight.
//!
//! corsc's own Fastify output is read from its data (`policy({ anyOrigin, exact, patterns,
//! … })` and the `scopes` table), so a compiled policy imports back as itself.

use super::super::context::{Context, FormatMeta, Importer};
use super::super::draft::{Draft, DraftPolicy};
use super::super::js_options::{self, Library, Reader};
use super::super::syntax_tree::named_children;
use std::collections::HashSet;
use tree_sitter::Node;

/// The format's description.
pub static META: FormatMeta = FormatMeta {
    id: "fastify",
    name: "Fastify (@fastify/cors)",
    reads: "JavaScript or TypeScript files that register `@fastify/cors` \
            (`fastify.register(cors, {...})`), and corsc's own Fastify output",
};

/// The importer.
pub struct Fastify;

impl Importer for Fastify {
    fn meta(&self) -> &'static FormatMeta {
        &META
    }

    fn read(&self, cx: &mut Context, files: &[usize]) -> Draft {
        js_options::read_files(cx, files, &FASTIFY_CORS, |js, cx, draft| {
            App {
                js,
                claimed: HashSet::new(),
            }
            .middleware(cx, draft);
        })
    }
}

/// `@fastify/cors`, where it differs from the `cors` package.
static FASTIFY_CORS: Library = Library {
    packages: &["@fastify/cors", "fastify-cors"],
    assumed_names: &[],
    name: "@fastify/cors",
    call: "@fastify/cors",
    turned_off: "`@fastify/cors`",
    options_computed: "at run time",
    // The default since v10; earlier versions also allowed PUT, PATCH and DELETE: the import
    // takes the narrower, and says so.
    default_methods: &["GET", "HEAD", "POST"],
    default_methods_note: "the default methods of @fastify/cors 10 and later",
    default_methods_finding: Some((
        "without `methods`, @fastify/cors 10 and later allow GET, HEAD and POST \
         (earlier versions also PUT, PATCH and DELETE); the import takes the narrower",
        "list the methods in `methods`",
    )),
    scope_keys: &["policy", "handler"],
};

/// A hand-written app's registrations of `@fastify/cors`.
struct App<'p, 't> {
    js: Reader<'p, 't>,
    /// Path sets already given a policy: the plugin answers every route of the instance, so
    /// a second registration finds the first one's.
    claimed: HashSet<Vec<String>>,
}

impl<'p> App<'p, '_> {
    /// Every `X.register(cors, {...})` of a hand-written app.
    fn middleware(&mut self, cx: &mut Context, draft: &mut Draft) {
        let p = self.js.p;
        for n in p.nodes() {
            if n.kind() != "call_expression" {
                continue;
            }
            let Some(f) = n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "member_expression")
            else {
                continue;
            };
            if f.child_by_field_name("property").map(|x| p.text(x)) != Some("register") {
                continue;
            }
            let args = n
                .child_by_field_name("arguments")
                .map(named_children)
                .unwrap_or_default();
            let Some(&plugin) = args.first() else {
                continue;
            };
            if self.js.is_library(plugin) || self.js.requires_library(plugin) {
                self.one(cx, draft, n, args.get(1).copied());
            }
        }
    }

    /// One `register(cors, options)`: the plugin's hooks answer every route of the instance.
    fn one(&mut self, cx: &mut Context, draft: &mut Draft, call: Node<'p>, arg: Option<Node<'p>>) {
        let at = self.js.loc(call);
        let mut pol = DraftPolicy::new("cors", Some(at));
        let key: Vec<String> = pol.paths.iter().map(|x| x.value.clone()).collect();
        if self.claimed.contains(&key) {
            cx.ignored(
                at,
                "`@fastify/cors` is already registered on this instance; Fastify refuses a second registration",
                "register it once",
            );
            return;
        }

        // The options.
        let Some(props) = self.js.options(cx, arg, &mut pol) else {
            self.claimed.insert(key);
            draft.policies.push(pol);
            return;
        };
        if !self.js.read_options(cx, &props, at, &mut pol, true) {
            return;
        }
        let get = |k: &str| props.get(k).copied();

        // preflight: false: the plugin adds no OPTIONS route, so no preflight succeeds.
        if let Some(n) = get("preflight") {
            if self.js.falsy(n) {
                cx.narrowed(
                    self.js.loc(n),
                    "with `preflight: false`, @fastify/cors answers no preflight: only \
                     requests that need none are allowed",
                    "remove `preflight: false` if preflighted requests are meant",
                );
                pol.methods = Some(Vec::new());
                pol.request_headers = Some(Vec::new());
                pol.max_age = None;
            }
        }
        if let Some(n) = get("hook").or_else(|| get("delegator")) {
            cx.runtime(
                self.js.loc(n),
                "`hook`/`delegator` options change when or how the plugin decides at run time",
                "check the imported policy against the running server (`corsc verify`)",
            );
        }
        self.claimed.insert(key);
        draft.policies.push(pol);
    }
}
