//! Policy files of every shape the grammar allows, for the property tests of tools that read
//! the text itself (the formatter, the TextMate grammar): layouts, comments, blank lines, tabs,
//! CRLF and lone carriage returns wherever the grammar takes them.

use super::random_policy::{policy_text, Features, Rng};

/// Comments at random places a comment may stand: alone on a line, or after a line's code.
pub fn with_comments(text: &str, rng: &mut Rng, next: &mut usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if rng.chance(20) {
            out.push_str(&format!("# c{next}\n"));
            *next += 1;
        }
        if rng.chance(15) {
            out.push('\n');
        }
        let indent = rng.pick(&["", "  ", "\t", "        "]);
        out.push_str(indent);
        out.push_str(line.trim_start());
        if rng.chance(20) && !line.trim_start().starts_with('#') {
            out.push_str(&format!("   # c{next}"));
            *next += 1;
        }
        if rng.chance(10) {
            out.push_str(" \t");
        }
        out.push_str(if rng.chance(10) { "\r\n" } else { "\n" });
    }
    out
}

/// Random layout changes that keep the meaning: lists bracketed or continued over lines,
/// blank runs, extra separators' blanks, and sometimes a profile.
pub fn messed(seed: u64) -> String {
    let mut rng = Rng::new(seed.wrapping_mul(31));
    let mut text = policy_text(seed, &Features::all());
    if rng.chance(50) {
        let profile = "    profile dev {\n        origins += \"http://localhost:5173\"\n        max-age = 0\n        methods += DELETE\n    }\n";
        if let Some(at) = text.rfind('}') {
            text.insert_str(at, profile);
        }
    }
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let bracket = rng.chance(20) && t.contains(", ") && !t.starts_with('#');
        let split = !bracket && rng.chance(20) && t.contains(", ") && !t.starts_with('#');
        if bracket {
            if let Some(sp) = t.find(' ') {
                let (name, rest) = t.split_at(sp);
                let items: Vec<&str> = rest.trim().split(", ").collect();
                out.push_str(&format!("{name} [\n"));
                for i in items {
                    out.push_str(&format!("  {i},\n"));
                }
                out.push_str("]\n");
                continue;
            }
        }
        if split {
            out.push_str(&t.replace(", ", " ,\n      "));
        } else {
            out.push_str(&t.replace(", ", if rng.chance(30) { " ,  " } else { ", " }));
        }
        out.push('\n');
        if rng.chance(10) {
            out.push_str("\n\n");
        }
    }
    out
}

const NAMES: &[&str] = &[
    "origins",
    "paths",
    "methods",
    "request-headers",
    "expose-headers",
    "credentials",
    "max-age",
    "private-network",
    "owner",
    "request_headers",
    "orgins",
];
const VALUES: &[&str] = &[
    "\"https://a.example\"",
    "\"https://*.b.example\"",
    "\"http://localhost:*\"",
    "\"/api/*\"",
    "\"/x#y\"",
    "\"a\\\"b\"",
    "\"a\\\\\"",
    "regex \"^https://x\\.y$\"",
    "regex \"^https://x\\\\.y$\"",
    "regex",
    "*",
    "null",
    "mirror",
    "true",
    "10m",
    "GET",
    "PUT",
    "QUERY",
    "put",
    "Content-Type",
    "x-b",
    "X-A",
    "shop",
    "proxy",
    "\"ü\"",
    "\"\"",
];

/// Well-formed files of every shape the grammar has, with comments, blank lines, tabs, CRLF
/// and lone carriage returns in the places it allows them: most parse, few check cleanly.
pub fn shaped(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let nl = |rng: &mut Rng| -> &'static str {
        match rng.below(20) {
            0 => "\r\n",
            1 => "\r",
            2 => "  # n\n",
            3 => "\n\n",
            4 => "\n\t\n# full\n",
            _ => "\n",
        }
    };
    let list = |rng: &mut Rng| -> String {
        let n = 1 + rng.below(5);
        let vals: Vec<&str> = (0..n).map(|_| *rng.pick(VALUES)).collect();
        match rng.below(4) {
            0 => {
                let mut s = String::from("[ # open\n");
                for v in &vals {
                    s.push_str(&format!(
                        "  {v} ,{}",
                        if rng.chance(30) { " # e\n" } else { "\n" }
                    ));
                }
                s.push(']');
                s
            }
            1 => format!("[{}]", vals.join(",")),
            2 => vals.join(",\n     "),
            _ => vals.join(" ,\t"),
        }
    };
    let directive = |rng: &mut Rng, op: bool| -> String {
        let mut s = String::new();
        if rng.chance(10) {
            s.push_str("@allow( rule-a ,reason = \"why \\\" # not\" )\n");
        }
        let name: &&str = rng.pick(NAMES);
        s.push_str(name);
        if op {
            let op: &&str = rng.pick(&[" = ", " += "]);
            s.push_str(op);
        } else {
            s.push(' ');
        }
        s.push_str(&list(rng));
        s
    };
    let mut out = String::new();
    if rng.chance(50) {
        out.push_str("# head\n#\n\n");
    }
    for _ in 0..1 + rng.below(3) {
        match rng.below(4) {
            0 => out.push_str(&format!("origins shop = {}", list(&mut rng))),
            1 => out.push_str(&directive(&mut rng, false)),
            _ => {
                out.push_str(&format!("policy p{} {{{}", rng.below(9), nl(&mut rng)));
                for _ in 0..rng.below(6) {
                    out.push_str(&directive(&mut rng, false));
                    out.push_str(nl(&mut rng));
                }
                if rng.chance(40) {
                    out.push_str(&format!("profile dev {{{}", nl(&mut rng)));
                    for _ in 0..rng.below(3) {
                        out.push_str(&directive(&mut rng, true));
                        out.push_str(nl(&mut rng));
                    }
                    out.push('}');
                    out.push_str(nl(&mut rng));
                }
                out.push('}');
            }
        }
        out.push_str(nl(&mut rng));
    }
    out
}
