# test_bench_plot.sh - the plots: compare --plot (zswap configurations,
# and zswap next to zram on the same pages and memory limit), sweep --plot
# and sweep --merge --plot, the class view (--classes, --class-plot) and
# the timeline's SVG. Each SVG is parsed as XML; it has one bar per
# configuration (or cell, or class x compressor) and figure; every bar's
# value and label equal the JSON's figure; the class view's pages add up
# to the input's and its bytes to the codec's (checked against zram's
# compr_data_size and against the same pages read as a corpus, whose
# zero / same-filled / entropy classes are recomputed here); unwritable
# paths fail with the OS's reason.
. "$(dirname "$0")/lib.sh"

# Debian's python3 (clang recommends it, so CI has it); any other on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: python3 (the SVG checker) not installed"; exit 77; }

# check.py: the checks on SVG + JSON, run per case below.
cat >check.py <<'EOF'
import json, math, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

def bars(path):
    """{(figure, group, series): (value, label text)} of an SVG."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s: not well-formed XML: %s" % (path, e))
    if root.tag != NS + 'svg':
        fail("%s: root is %s, not svg" % (path, root.tag))
    out, labels = {}, {}
    for el in root.iter():
        cls = el.get('class')
        if cls not in ('bar', 'value'):
            continue
        key = (el.get('data-figure'), el.get('data-group'), el.get('data-series'))
        if cls == 'bar':
            if key in out:
                fail("%s: two bars for %s" % (path, key))
            out[key] = float(el.get('data-value'))
        else:
            labels[key] = el.text
    for k in out:
        if k not in labels:
            fail("%s: bar %s has no label" % (path, k))
    return {k: (v, labels[k]) for k, v in out.items()}

def close(a, b, rel=1e-9, abs_=0.0):
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))

def check(path, b, fig, group, series, want, scale, decimals, rel=1e-9):
    k = (fig, str(group), str(series))
    if k not in b:
        fail("%s: no bar for %s" % (path, k))
    v, lab = b[k]
    if not close(v, want, rel, 1e-9):
        fail("%s: %s is %r in the SVG, %r in the JSON" % (path, k, v, want))
    shown = float(lab)
    if abs(shown - want / scale) > 0.5 * 10 ** -decimals + 1e-9 + rel * abs(want / scale):
        fail("%s: %s label '%s' is not %r / %g" % (path, k, lab, want, scale))

def figures_of(b):
    f = {}
    for (fig, g, s) in b:
        f.setdefault(fig, []).append((g, s))
    return f

def compare(svg, js):
    b, d = bars(svg), json.load(open(js))
    runs = d['compare']
    figs = figures_of(b)
    want = [('pool_total_size', 1048576, 2), ('ratio', 1, 3), ('pswpout', 1, 0),
            ('store_p50_ns', 1e3, 2), ('store_p99_ns', 1e3, 2), ('load_p50_ns', 1e3, 2),
            ('load_p99_ns', 1e3, 2)]
    if sorted(figs) != sorted(f for f, _, _ in want):
        fail("%s: figures %s" % (svg, sorted(figs)))
    for f, scale, dec in want:
        if len(figs[f]) != len(runs):
            fail("%s: %d bars for %s, %d configurations" % (svg, len(figs[f]), f, len(runs)))
        for i, r in enumerate(runs):
            check(svg, b, f, 0, i, r['summary'][f], scale, dec, 1e-3 if f == 'ratio' else 1e-9)

def zram(svg, js):
    b, d = bars(svg), json.load(open(js))
    runs = d['runs']
    figs = figures_of(b)
    if len(figs) != 8:
        fail("%s: %d figures, expected 8" % (svg, len(figs)))
    for f in figs:
        if len(figs[f]) != len(runs):
            fail("%s: %d bars for %s, %d runs" % (svg, len(figs[f]), f, len(runs)))
    for i, r in enumerate(runs):
        lat = r['latency_ns']
        for f, want, scale, dec in [('pool_bytes', r['pool_bytes'], 1048576, 2),
                                    ('ratio', r['ratio'], 1, 3), ('to_disk', r['to_disk'], 1, 0),
                                    ('refused', r['refused'], 1, 0),
                                    ('store_p50_ns', lat['store']['p50'], 1e3, 2),
                                    ('store_p99_ns', lat['store']['p99'], 1e3, 2),
                                    ('load_p50_ns', lat['load']['p50'], 1e3, 2),
                                    ('load_p99_ns', lat['load']['p99'], 1e3, 2)]:
            check(svg, b, f, 0, i, want, scale, dec, 1e-3 if f == 'ratio' else 1e-9)

def classes_json(js, pages):
    c = json.load(open(js))['classes']
    if c['pages'] != pages or sum(r['pages'] for r in c['rows']) != pages:
        fail("%s: classes hold %d pages (rows: %d), the input %d" %
             (js, c['pages'], sum(r['pages'] for r in c['rows']), pages))
    if c['bytes'] != pages * 4096:
        fail("%s: classes bytes %d" % (js, c['bytes']))
    for r in c['rows']:
        if r['bytes'] != r['pages'] * 4096:
            fail("%s: class %s bytes %d for %d pages" % (js, r['class'], r['bytes'], r['pages']))
        if len(r['per_compressor']) != len(c['compressors']):
            fail("%s: class %s: per_compressor" % (js, r['class']))
        for e in r['per_compressor']:
            if e['compressed_bytes'] <= 0 or not close(e['ratio'], r['bytes'] / e['compressed_bytes'], 1e-6):
                fail("%s: class %s: ratio %r, bytes / compressed %r" %
                     (js, r['class'], e['ratio'], r['bytes'] / e['compressed_bytes']))
            if not (e['poor_pages'] <= e['huge_pages'] <= r['pages']):
                fail("%s: class %s: huge/poor counts" % (js, r['class']))
    return c

def classes_svg(svg, js):
    c, b = json.load(open(js))['classes'], bars(svg)
    figs = figures_of(b)
    n, m = len(c['rows']), len(c['compressors'])
    if len(figs.get('pages', [])) != n:
        fail("%s: %d page bars, %d classes" % (svg, len(figs.get('pages', [])), n))
    for f in ('ratio', 'compressed_bytes', 'huge_pages'):
        if len(figs.get(f, [])) != n * m:
            fail("%s: %d %s bars, expected %d" % (svg, len(figs.get(f, [])), f, n * m))
    for g, r in enumerate(c['rows']):
        check(svg, b, 'pages', g, 'all', r['pages'], 1, 0)
        for k, e in enumerate(r['per_compressor']):
            check(svg, b, 'compressed_bytes', g, k, e['compressed_bytes'], 1048576, 2)
            check(svg, b, 'ratio', g, k, e['ratio'], 1, 2, 1e-9)
            check(svg, b, 'huge_pages', g, k, e['huge_pages'], 1, 0)

def content_oracle(corpus, js):
    """The content classes recomputed from the corpus file's bytes."""
    data = open(corpus, 'rb').read()
    want = {}
    for off in range(0, len(data), 4096):
        p = data[off:off + 4096]
        w = p[:8]
        if p == w * 512:
            name = 'zero' if w == bytes(8) else 'same-filled'
        else:
            h = 0.0
            for n in (p.count(bytes([x])) for x in range(256)):
                if n:
                    q = n / 4096
                    h -= q * math.log2(q)
            name = ('entropy<2' if h < 2 else 'entropy2-4' if h < 4 else 'entropy4-6' if h < 6
                    else 'entropy6-7.5' if h < 7.5 else 'entropy>=7.5')
        want[name] = want.get(name, 0) + 1
    c = json.load(open(js))['classes']
    got = {r['class']: r['pages'] for r in c['rows'] if r['rule'] == 'content'}
    if got != want:
        fail("%s: content classes %s, recomputed from %s: %s" % (js, got, corpus, want))

def same_bytes(js_a, js_b):
    """Two class views of the same pages: the same compressed bytes in all."""
    def tot(js):
        c = json.load(open(js))['classes']
        return [sum(r['per_compressor'][k]['compressed_bytes'] for r in c['rows'])
                for k in range(len(c['compressors']))]
    if tot(js_a) != tot(js_b):
        fail("compressed bytes: %s %s, %s %s" % (js_a, tot(js_a), js_b, tot(js_b)))

def zram_compr(js, zero_classes):
    """zram's compr_data_size = the compressed bytes of the pages it holds
    compressed (every class but the same-filled ones; no huge page)."""
    d = json.load(open(js))
    c = d['classes']
    run = [r for r in d['runs'] if r['frontend'] == 'zram'][0]
    k = c['compressors'].index(next(x for x in c['compressors']))
    rows = [r for r in c['rows'] if r['class'] not in zero_classes]
    if any(r['per_compressor'][k]['huge_pages'] for r in rows):
        fail("%s: huge pages in the checked classes" % js)
    s = sum(r['per_compressor'][k]['compressed_bytes'] for r in rows)
    if s != run['mm_stat']['compr_data_size']:
        fail("%s: classes' compressed bytes %d, zram compr_data_size %d" %
             (js, s, run['mm_stat']['compr_data_size']))

def sweep(svg, celldir, ncells):
    import glob
    b = bars(svg)
    figs = figures_of(b)
    for f in ('ratio', 'pool_total_size', 'pswpout', 'store_p50_ns'):
        if len(figs.get(f, [])) != ncells:
            fail("%s: %d %s bars, %d cells" % (svg, len(figs.get(f, [])), f, ncells))
    cells = [json.load(open(p))['summary'] for p in sorted(glob.glob(celldir + '/cell-*.json'))]
    vals = sorted((s['ratio'], s['pool_total_size'], s['pswpout']) for s in cells)
    got = {}
    for (f, g, s), (v, _) in b.items():
        got.setdefault((g, s), {})[f] = v
    svals = sorted((x['ratio'], x['pool_total_size'], x['pswpout']) for x in got.values())
    for a, c in zip(vals, svals):
        if not (close(a[0], c[0], 1e-3) and a[1] == c[1] and a[2] == c[2]):
            fail("%s: cell figures %s, SVG %s" % (svg, vals, svals))

def wellformed(path):
    try:
        ET.parse(path)
    except ET.ParseError as e:
        fail("%s: not well-formed XML: %s" % (path, e))

globals()[sys.argv[1]](*[int(a) if a.isdigit() else a for a in sys.argv[2:]])
EOF
ck() { "$PY" check.py "$@" || fail "check $*"; }

# compare: two zswap configurations, the class view of generator classes.
expect_exit 0 "$BENCH" compare --pages 1024 --compressor lz4 --compressor zstd --threads 1 \
	--plot cmp.svg --classes --class-plot cls.svg --json cmp.json
ck compare cmp.svg cmp.json
ck classes_json cmp.json 1024
ck classes_svg cls.svg cmp.json
expect_in out "content classes of the 1024 pages"
grep -E '^all +1024 ' out >/dev/null || fail "class table: no 'all' row of 1024 pages"
grep -q '"rule": "generator"' cmp.json || fail "synthetic input: not the generator's classes"

# The same pages as a corpus: classes from the bytes (recomputed here),
# the same compressed bytes, and the generator's zero pages are the
# content's zero pages.
expect_exit 0 "$BENCH" --pages 1024 --emit-corpus c.raw --quiet
expect_exit 0 "$BENCH" compare --corpus c.raw --compressor lz4 --compressor zstd --threads 1 \
	--classes --json corp.json --quiet
ck classes_json corp.json 1024
ck content_oracle c.raw corp.json
ck same_bytes cmp.json corp.json
zg=$("$JSON_GET" cmp.json classes.rows.0.pages)
zc=$("$JSON_GET" corp.json classes.rows.0.pages)
expect_json cmp.json classes.rows.0.class zero
expect_json corp.json classes.rows.0.class zero
[ "$zg" = "$zc" ] || fail "zero pages: generator $zg, content $zc"

# zswap and zram on the same pages and the same memory limit.
expect_exit 0 "$BENCH" compare --frontend zswap --frontend zram --compressor lz4 \
	--pages 512 --mix text,pointer,zero --plot zr.svg --classes --class-plot zrc.svg \
	--json zr.json
ck zram zr.svg zr.json
ck classes_json zr.json 512
ck classes_svg zrc.svg zr.json
ck zram_compr zr.json zero
expect_exit 0 "$BENCH" compare --frontend zswap --frontend zram --compressor lz4 \
	--compressor zstd --pages 512 --mem-limit 1M --plot zr2.svg --json zr2.json
ck zram zr2.svg zr2.json
expect_in zr2.svg "memory limit 1.0 MiB"

# sweep: local run and merge, one bar per cell and figure.
expect_exit 0 "$BENCH" sweep --compressor lz4 --compressor zstd -i workload=fill,pages=600 \
	-i workload=fill,pages=600,mix=text+random --out sw --jobs 2 --plot sw.svg
ck sweep sw.svg sw 4
expect_exit 0 "$BENCH" sweep --merge sw --plot merged.svg
ck sweep merged.svg sw 4
expect_exit 2 "$BENCH" sweep --compressor lz4 --out sw2 --emit-jobs jobs.txt --plot x.svg
expect_in err "--merge"

# the timeline's SVG (the shared writer) is well formed
expect_exit 0 "$BENCH" run --pages 600 --threads 1 --timeline t.csv --quiet
ck wellformed t.svg

# bad paths: the file, the OS's reason, exit 3; wrong commands: exit 2
expect_exit 3 "$BENCH" compare --pages 64 --compressor lz4 --compressor zstd --threads 1 \
	--plot nodir/p.svg --quiet
expect_in err "nodir/p.svg: cannot create the plot: No such file or directory"
expect_exit 3 "$BENCH" compare --pages 64 --compressor lz4 --compressor zstd --threads 1 \
	--class-plot nodir/c.svg --quiet
expect_in err "nodir/c.svg: cannot create the plot: No such file or directory"
mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	expect_exit 3 "$BENCH" sweep --merge sw --plot ro/m.svg
	expect_in err "ro/m.svg: cannot create the plot: Permission denied"
fi
expect_exit 3 "$BENCH" sweep --merge sw --plot sw/cell-c0-i0.json/m.svg
expect_in err "cannot create the plot: Not a directory"
expect_exit 3 "$BENCH" compare --frontend zswap --frontend zram --pages 64 --plot nodir/z.svg
expect_in err "nodir/z.svg: cannot create the plot: No such file or directory"
if [ -w /dev/full ]; then
	expect_exit 3 "$BENCH" compare --pages 64 --compressor lz4 --compressor zstd --threads 1 \
		--plot /dev/full --quiet
	expect_in err "/dev/full: write error: No space left on device"
fi
expect_exit 2 "$BENCH" run --pages 64 --plot p.svg
expect_in err "--plot applies to compare and sweep"
expect_exit 2 "$BENCH" run --pages 64 --classes
expect_exit 2 "$BENCH" run --frontend zram --pages 64 --plot p.svg
exit 0
