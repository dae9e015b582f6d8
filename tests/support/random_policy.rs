//! Random but realistic `.cors` policies for conformance tests, from a fixed seed.
//!
//! The generator has its own tiny PRNG (splitmix64) instead of a crate's: the stream for a seed
//! must never change with a dependency upgrade, so that "policy #137 fails on nginx" stays
//! reproducible forever. Every generated policy passes `corsc lint` without errors; what a given
//! target cannot express is decided by that target's plan, and conformance tests count those
//! refusals separately.
#![allow(dead_code)]

/// splitmix64: small, fast, and good enough to pick policy features.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random subset of `items`, in their order, of size `min..=items.len()`.
    pub fn subset<'a, T>(&mut self, items: &'a [T], min: usize) -> Vec<&'a T> {
        loop {
            let s: Vec<&T> = items.iter().filter(|_| self.chance(50)).collect();
            if s.len() >= min {
                return s;
            }
        }
    }
}

/// Which features a target under test may be given.
#[derive(Clone, Debug)]
pub struct Features {
    pub any_origin: bool,
    pub subdomain_patterns: bool,
    pub port_patterns: bool,
    pub regex: bool,
    pub mirror_headers: bool,
    pub wildcard_lists: bool,
    pub several_policies: bool,
    pub max_age: bool,
    pub expose: bool,
    /// Methods beyond the classic ones (`QUERY`).
    pub extension_methods: bool,
}

impl Features {
    /// Everything the language has.
    pub fn all() -> Self {
        Features {
            any_origin: true,
            subdomain_patterns: true,
            port_patterns: true,
            regex: true,
            mirror_headers: true,
            wildcard_lists: true,
            several_policies: true,
            max_age: true,
            expose: true,
            extension_methods: true,
        }
    }
}

const SCOPES: &[&str] = &[
    "\"/api/*\"",
    "\"/v1/*\"",
    "\"/health\"",
    "\"/public/*\"",
    "\"/graphql\"",
];
const WORDS: &[&str] = &["app", "admin", "shop", "portal", "dash", "docs", "cdn", "m"];
/// QUERY (RFC 10008) is here so every target proves it answers a method outside the classic ones:
/// always preflighted, never case-normalized.
const METHODS: &[&str] = &["PUT", "PATCH", "DELETE", "POST", "QUERY"];
const REQ_HEADERS: &[&str] = &["Content-Type", "Authorization", "X-Request-Id", "X-Api-Key"];
const EXPOSE: &[&str] = &["X-Request-Id", "ETag", "X-Total-Count", "Retry-After"];

fn origin(rng: &mut Rng, f: &Features) -> String {
    let w = rng.pick(WORDS);
    let kinds = [
        (true, 0),
        (true, 1),
        (f.subdomain_patterns, 2),
        (f.port_patterns, 3),
        (f.regex, 4),
        (true, 5),
    ];
    let allowed: Vec<usize> = kinds
        .iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, k)| *k)
        .collect();
    match *rng.pick(&allowed) {
        0 => format!("\"https://{w}.example.test\""),
        1 => format!(
            "\"https://{w}.example.test:{}\"",
            rng.pick(&[8443, 4443, 9000])
        ),
        2 => format!("\"https://*.{w}.example.test\""),
        3 => "\"http://localhost:*\"".to_string(),
        4 => format!("regex \"^https://pr-[0-9]+\\.{w}\\.example\\.test$\""),
        _ => format!("\"http://localhost:{}\"", rng.pick(&[3000, 5173, 8080])),
    }
}

/// One file of 1–3 policies.
pub fn policy_text(seed: u64, f: &Features) -> String {
    let mut rng = Rng::new(seed);
    let n = if f.several_policies {
        1 + rng.below(3)
    } else {
        1
    };
    let mut scopes: Vec<&str> = SCOPES.to_vec();
    let mut out = format!("# random policy, seed {seed}\n");
    for i in 0..n {
        let credentials = rng.chance(50);
        out.push_str(&format!("policy p{i} {{\n"));
        let last_catch_all = i == n - 1 && rng.chance(30);
        if !last_catch_all {
            let s = scopes.remove(rng.below(scopes.len()));
            out.push_str(&format!("    paths {s}\n"));
        }
        if f.any_origin && !credentials && rng.chance(20) {
            out.push_str("    origins *\n");
        } else {
            let count = 1 + rng.below(5);
            let mut list: Vec<String> = Vec::new();
            for _ in 0..count {
                let o = origin(&mut rng, f);
                if !list.contains(&o) {
                    list.push(o);
                }
            }
            out.push_str(&format!("    origins {}\n", list.join(", ")));
        }
        if f.wildcard_lists && !credentials && rng.chance(15) {
            out.push_str("    methods *\n");
        } else if rng.chance(80) {
            let pool = if f.extension_methods {
                METHODS
            } else {
                &METHODS[..METHODS.len() - 1]
            };
            let m = rng.subset(pool, 1);
            out.push_str(&format!(
                "    methods {}\n",
                m.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
            ));
        }
        let r = rng.below(10);
        if f.mirror_headers && r == 0 {
            out.push_str("    request-headers mirror\n");
        } else if f.wildcard_lists && !credentials && r == 1 {
            out.push_str("    request-headers *, Authorization\n");
        } else if r < 8 {
            let mut h = rng.subset(REQ_HEADERS, 0);
            if !h.contains(&&"Content-Type") {
                h.insert(0, &"Content-Type");
            }
            out.push_str(&format!(
                "    request-headers {}\n",
                h.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
            ));
        }
        if f.expose {
            if f.wildcard_lists && !credentials && rng.chance(10) {
                out.push_str("    expose-headers *\n");
            } else if rng.chance(60) {
                let e = rng.subset(EXPOSE, 1);
                out.push_str(&format!(
                    "    expose-headers {}\n",
                    e.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        if credentials {
            out.push_str("    credentials true\n");
        }
        if f.max_age && rng.chance(70) {
            out.push_str(&format!(
                "    max-age {}\n",
                rng.pick(&["0", "600", "10m", "2h"])
            ));
        }
        out.push_str("}\n");
    }
    out
}
