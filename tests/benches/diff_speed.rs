//! `corsc diff` speed: two policies with n exact origins (and a subdomain pattern), equal and
//! with one origin gained, for n = 100, 1,000 and 10,000: the cost of proving a migration
//! equivalent as the allowlist grows. The checked sets are built once; the bench times the
//! comparison alone (item sets, path rows and the probes the evaluator judges).
//!
//! Run: `cargo bench --bench diff_speed`

use corsc::diff::{diff, DiffOptions};
use corsc::source::Source;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// A policy of `n` exact origins (plus `extra`), a pattern, and two path scopes.
fn policy(n: usize, extra: Option<&str>) -> corsc::ir::PolicySet {
    let mut s = String::from("origins customers = [\n");
    for i in 0..n {
        s.push_str(&format!(
            "    \"https://tenant-{i}.customers.example.com\",\n"
        ));
    }
    if let Some(e) = extra {
        s.push_str(&format!("    \"{e}\",\n"));
    }
    s.push_str(
        "    \"https://*.preview.example.com\",\n]\n\n\
         policy api {\n    paths \"/api/*\"\n    origins customers\n    methods PUT, PATCH, DELETE\n    \
         request-headers Content-Type, Authorization\n    credentials true\n    max-age 600\n}\n\n\
         policy admin {\n    paths \"/api/admin/*\"\n    origins \"https://admin.example.com\"\n    credentials true\n}\n",
    );
    let src = Source::new("p.cors", s);
    let file = corsc::syntax::parse(&src).expect("parses");
    corsc::check::check(&file, None).policies.expect("checks")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    g.sample_size(10);
    for n in [100usize, 1_000, 10_000] {
        let old = policy(n, None);
        let same = policy(n, None);
        let wider = policy(n, Some("https://new.example.org"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("equal", n), &n, |b, _| {
            b.iter(|| diff(&old, &same, &DiffOptions::default()));
        });
        g.bench_with_input(BenchmarkId::new("one-gained", n), &n, |b, _| {
            b.iter(|| {
                let r = diff(&old, &wider, &DiffOptions::default());
                assert!(r.verdict.widens());
                r
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
