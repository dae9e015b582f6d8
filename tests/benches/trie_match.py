#!/usr/bin/env python3
"""How long Flask-CORS's test of an exact origin takes in corsc's Flask output, at 100, 1,000
and 10,000 exact origins: the origins are one regex, their trie, so the time should barely
move with the length of the list. Before, each origin was a regex of its own, tried in turn.

    python3 tests/benches/trie_match.py ./target/release/corsc

Runs the compiled module's own regex (the first entry of the scope's `origins`) on the last
origin of the list, the worst case for a list tried in order; best of five.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
import timeit

corsc = sys.argv[1] if len(sys.argv) > 1 else "./target/release/corsc"
here = os.path.dirname(os.path.abspath(__file__))
for n in (100, 1_000, 10_000):
    with tempfile.TemporaryDirectory() as d:
        policy = os.path.join(d, "p.cors")
        with open(policy, "w") as f:
            subprocess.run([sys.executable, os.path.join(here, "many_origins.py"), str(n)], stdout=f, check=True)
        out = os.path.join(d, "corsc_cors.py")
        subprocess.run([corsc, "compile", "--target", "flask", policy, "-o", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        spec = importlib.util.spec_from_file_location("corsc_cors", out)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        regex = next(iter(module.RESOURCES.values()))["origins"][0]
        last = f"https://tenant-{n - 1}.customers.example.com"
        assert regex.match(last) and not regex.match(last + ".evil.example")
        best = min(timeit.repeat(lambda: regex.match(last), number=100_000, repeat=5)) / 100_000
        # The form before the trie: one regex per origin, tried in order as Flask-CORS does.
        import re
        listed = [re.compile(re.escape(f"https://tenant-{i}.customers.example.com") + r"\Z") for i in range(n)]
        runs = max(1, 100_000 // n)
        before = min(timeit.repeat(lambda: any(r.match(last) for r in listed), number=runs, repeat=5)) / runs
        print(f"{n:>6} exact origins: {best * 1e6:.3f} µs per match of the last one "
              f"(one regex per origin: {before * 1e6:.1f} µs)")
