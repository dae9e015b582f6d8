#!/usr/bin/env python3
"""Writes a policy with N exact origins to standard output, for the lint/compile scaling
figures in the README:

    python3 tests/benches/many_origins.py 100000 > /tmp/o100k.cors
    /usr/bin/time -f '%e s %M KB' ./target/release/corsc lint --isolated /tmp/o100k.cors
    valgrind --tool=callgrind ./target/release/corsc lint --isolated /tmp/o100k.cors

One origin per line below 1,000,000; at 1,000,000 and above, short origins on one line, so
the file stays under corsc's 32 MiB limit.
"""
import sys

n = int(sys.argv[1])
if n >= 1_000_000:
    body = ",".join(f'"https://t{i}.ex.co"' for i in range(n))
else:
    body = ",\n        ".join(f'"https://tenant-{i}.customers.example.com"' for i in range(n))
sys.stdout.write(
    'policy api {\n    paths "/api/*"\n    origins ' + body
    + "\n    methods PUT, DELETE\n    credentials true\n}\n"
)
