"""A lower bound for the large-book target: the least a run could do with exact money.

Not the engine, and not a result anyone should use: a sketch of the smallest run that
still reads money exactly and writes the result's JSON objects, to show where the floor
of "at most 3x pandas ``read_csv``" lies.  In a fresh process, after the imports, it

* reads every CSV file of the large book with pyarrow, every cell as text;
* turns the ledger's amounts and the services' costs into exact pence (the same plain-form
  check and ``decimal128`` cast as :mod:`finance.columnar`) and totals the ledger by kind;
* splits each service's net cost equally with floor division (a stand-in for the
  largest-remainder split: no remainders, no extra pennies) and lists who owes whom
  (not netted);
* builds a JSON object for each service line and each amount owed, the same kind of object
  the real result has, and writes them with orjson.

It validates nothing, nets nothing, and leaves out the year end, the checks, the
contributions and the audit detail.  Quickest of five fresh processes, against pandas
``read_csv`` of the same files (numbers as floats) in the same run, as in
:mod:`benchmarks.bench_large_book`.

    .venv/bin/python -m benchmarks.bench_floor [PARTIES SERVICES LEDGER_ROWS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_large_book import PANDAS
from benchmarks.generate import large_book

SKETCH = r"""
import glob, io, json, sys, time
import numpy as np, orjson, pandas, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv
import gc; gc.disable()

PLAIN = r"^(-?)(\d{1,13})(?:\.(\d{1,2}))?$"

def columns(data):
    head = data[:data.find(b"\n")].decode().rstrip("\r").split(",")
    keys = [f"c{i}" for i in range(len(head))]
    t = pacsv.read_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(
        column_names=keys, skip_rows=1, block_size=len(data) + 1),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(keys, pa.string()),
                                             strings_can_be_null=False))
    return {h: t.column(k).combine_chunks() for h, k in zip(head, keys)}

def pence(col):
    col = pc.if_else(pc.equal(col, ""), "0", col)
    if not pc.all(pc.match_substring_regex(col, PLAIN)).as_py():
        raise ValueError("an amount not in plain form")
    dec = pc.cast(col, pa.decimal128(17, 2))
    return np.frombuffer(dec.buffers()[1], dtype="<i8")[2 * dec.offset::2][:len(dec)].copy()

def texts(p):
    w = np.empty((len(p), 2), dtype="<i8")
    w[:, 0], w[:, 1] = p, p >> 63
    dec = pa.Array.from_buffers(pa.decimal128(38, 2), len(p), [None, pa.py_buffer(w)])
    return pc.cast(dec, pa.string()).to_pylist()

files = {f.rsplit("/", 1)[1][:-4]: open(f, "rb").read()
         for f in sorted(glob.glob(sys.argv[1] + "/*.csv"))}
t0 = time.perf_counter()
t = {name: columns(data) for name, data in files.items()}
led, sp, sv = t["ledger"], t["service_parties"], t["services"]
kind = led["kind"].dictionary_encode()
by_kind = np.zeros(len(kind.dictionary), dtype=np.int64)
np.add.at(by_kind, kind.indices.to_numpy(), pence(led["amount"]))
codes, party = sv["service"].to_pylist(), sp["party"].to_pylist()
host = dict(zip(codes, sv["host"].to_pylist()))
place = {c: i for i, c in enumerate(codes)}
svc = sp["service"].to_pylist()
ix = np.fromiter(map(place.__getitem__, svc), dtype=np.int64, count=len(svc))
net = pence(sv["gross_cost"]) - pence(sv["income"])
size = np.bincount(ix, minlength=len(codes))
share = net[ix] // size[ix]
cost = pence(sp["standalone_cost"])
t1 = time.perf_counter()
lines = [{"party": p, "months": 12, "weight": round(1 / k, 6), "share": s,
          "standalone_cost": c, "saving": v}
         for p, k, s, c, v in zip(party, size[ix].tolist(), texts(share), texts(cost),
                                  texts(cost - share))]
owed = [(p, host[s], a) for p, s, a in zip(party, svc, share.tolist()) if p != host[s]]
amounts = texts(np.fromiter((a for _, _, a in owed), dtype=np.int64, count=len(owed)))
ends = np.cumsum(size).tolist()
out = {"services": [{"service": c, "net_cost": n, "parties": lines[a:b]}
                    for c, n, a, b in zip(codes, texts(net), [0, *ends], ends)],
       "owed": [{"from": a, "to": b, "amount": x} for (a, b, _), x in zip(owed, amounts)],
       "ledger_by_kind": dict(zip(kind.dictionary.to_pylist(), texts(by_kind)))}
data = orjson.dumps(out, option=orjson.OPT_INDENT_2)
t2 = time.perf_counter()
print(json.dumps({"s": t2 - t0, "json_s": t2 - t1, "bytes": len(data), "lines": len(lines),
                  "owed": len(owed)}))
"""


def main(parties: int = 300, services: int = 3000, ledger_rows: int = 100_000,
         runs: int = 5) -> dict[str, float]:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(large_book(Path(tmp) / "book", parties, services, ledger_rows))
        base = min(float(subprocess.run([py, "-c", PANDAS, folder, "default"], check=True,
                                        capture_output=True, text=True).stdout)
                   for _ in range(runs))
        sketches = [json.loads(subprocess.run([py, "-c", SKETCH, folder], check=True,
                                              capture_output=True, text=True).stdout)
                    for _ in range(runs)]
    r = min(sketches, key=lambda x: x["s"])
    r.update(pandas_read_s=base, ratio=r["s"] / base)
    print(f"book: {parties} parties, {services} services, {ledger_rows:,} ledger rows")
    print(f"pandas read_csv of the same files (baseline): {base:.3f} s")
    print(f"floor sketch (read exactly, equal split, {r['lines']:,} line and {r['owed']:,} "
          f"owed objects, {r['bytes']:,} bytes of JSON): {r['s']:.3f} s (quickest of {runs}; "
          f"of which JSON objects and their text {r['json_s']:.3f} s)")
    print(f"ratio: {r['ratio']:.1f}x pandas — the least a run to JSON with exact money takes "
          "(the whole run's first target: <= 3x)")
    return r


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:4]])
