//! Parse + check (+ lint) throughput: a typical policy, and generated policies with 1,000 and
//! 10,000 origins to show that the cost grows linearly with the number of origins.
//!
//! Run: `cargo bench --bench parse_check`

use corsc::lint::LintConfig;
use corsc::source::Source;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// A policy with `n` exact origins in a named set, plus a few patterns.
fn generated(n: usize) -> String {
    let mut s = String::from("origins customers = [\n");
    for i in 0..n {
        s.push_str(&format!(
            "    \"https://tenant-{i}.customers.example.com\",\n"
        ));
    }
    s.push_str("    \"https://*.preview.example.com\",\n]\n\npolicy api {\n    paths \"/api/*\"\n    origins customers\n    methods PUT, PATCH, DELETE\n    request-headers Content-Type, Authorization\n    credentials true\n    max-age 2h\n}\n");
    s
}

fn bench(c: &mut Criterion) {
    let typical = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/multi-tenant-saas.cors"
    ))
    .unwrap();
    let mut g = c.benchmark_group("parse_check");
    g.bench_function("typical", |b| {
        let src = Source::new("t.cors", typical.as_str());
        b.iter(|| {
            let file = corsc::syntax::parse(&src).unwrap();
            corsc::check::check(&file, None)
        });
    });
    for n in [1_000usize, 10_000] {
        let text = generated(n);
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(20);
        g.bench_with_input(BenchmarkId::new("origins", n), &text, |b, text| {
            let src = Source::new("g.cors", text.as_str());
            b.iter(|| {
                let file = corsc::syntax::parse(&src).unwrap();
                corsc::check::check(&file, None)
            });
        });
    }
    g.finish();
    let mut g = c.benchmark_group("lint");
    g.bench_function("typical", |b| {
        let src = Source::new("t.cors", typical.as_str());
        b.iter(|| {
            let file = corsc::syntax::parse(&src).unwrap();
            corsc::pipeline::lint_file(&file, &LintConfig::default(), None)
        });
    });
    g.sample_size(20);
    let text = generated(10_000);
    g.bench_function("origins/10000", |b| {
        let src = Source::new("g.cors", text.as_str());
        b.iter(|| {
            let file = corsc::syntax::parse(&src).unwrap();
            corsc::pipeline::lint_file(&file, &LintConfig::default(), None)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
