#!/usr/bin/env python3
"""Figures for hostile and huge input (issue 17): the memory and time the
server spends where a careless or hostile client can make it spend. Starts
the server over stdio, as an editor would; Python standard library only.
Prints figures and the bound each should meet; never fails a build.

    scripts/bench_hostile.py [--server target/release/policy-lsp] [--corpus DIR] [--copies 4] [--edits 2000]

- outline: `textDocument/documentSymbol` on the corpus concatenated
  `--copies` times (4: ~10 MB): time, answer size, and the growth of peak
  RSS the request causes (VmHWM reset through /proc/PID/clear_refs before
  it). Bound: ≤ 60 MB on the 10 MB file.
- unread: a client that stops reading stdout while it sends `--edits`
  edits to that file: RSS before and after. Bound: ≤ 120 MB after 2,000.
- taxonomy: `classify` with a policy-lsp.toml that moves 10,000 keywords
  between categories, and one with 80,000 stop words. Bound: ≤ 1 s for
  10,000 moves.
- fifo: a `taxonomy` setting naming a FIFO: the server still answers.
- terms: 100,000 lines, each annotating a distinct made-up term and leaving
  it unannotated once, preset off and on: open, keystrokes, memory, the
  size of a publish, and `check --lint pipl`. No bound: it shows what a
  diagnostics list as long as the text costs (the protocol re-sends it
  whole on every change).
- flood: 2 MB of stray `>`, two million syntax errors: open, a publish,
  keystrokes, memory. Bound: at most 50,000 diagnostics sent.

Memory is read from /proc/PID/status, so Linux only. Test it on a debug
build with a small corpus (`--copies 1 --edits 200`); the figures that
count are the release build's.
"""
import argparse, os, random, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_server  # noqa: E402
from bench_server import pct  # noqa: E402


class Client(bench_server.Client):
    """bench_server's client, with what these measurements add: opening a
    document, the process's memory and CPU, waiting until it is idle."""

    def __init__(self, cmd):
        super().__init__(cmd, timeout=600)

    def initialize(self, options=None):
        self.request('initialize', {'processId': os.getpid(), 'rootUri': None, 'capabilities': {
            'general': {'positionEncodings': ['utf-16']}}, 'initializationOptions': options})
        self.notify('initialized', {})

    def open(self, uri, text):
        self.notify('textDocument/didOpen', {'textDocument': {
            'uri': uri, 'languageId': 'policy', 'version': 1, 'text': text}})
        self.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
                  and m['params']['uri'] == uri)

    def reset_peak(self):
        """Resets VmHWM to the current RSS (Linux ≥ 4.0)."""
        with open('/proc/%d/clear_refs' % self.p.pid, 'w') as f:
            f.write('5')

    def cpu_seconds(self):
        with open('/proc/%d/stat' % self.p.pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def settle(self, quiet=1.0, limit=600):
        """Waits until the server has used no CPU for `quiet` seconds."""
        end = time.time() + limit
        last = self.cpu_seconds()
        while time.time() < end:
            time.sleep(quiet)
            now = self.cpu_seconds()
            if now == last:
                return
            last = now

    def close(self):
        self.reading.set()
        try:
            self.request('shutdown', None)
            self.notify('exit', None)
            self.p.wait(timeout=30)
        except Exception:
            self.p.kill()


def bound(ok):
    return 'ok' if ok else 'OVER'


def outline(server, text):
    c = Client(server)
    c.initialize()
    uri = 'file:///bench/outline.policy'
    c.open(uri, text)
    c.settle(0.5)
    rss, _ = c.rss_mb()
    c.reset_peak()
    dt, result = c.request('textDocument/documentSymbol', {'textDocument': {'uri': uri}})
    size = c.length
    _, hwm = c.rss_mb()
    c.close()
    n = len(result or [])
    growth = hwm - rss
    print('outline: %.1f MB document: %.2f s, answer %.1f MB (%d top-level symbols); '
          'RSS %.0f MB, peak %.0f MB, growth %.0f MB (bound 60 MB on 10 MB: %s)'
          % (len(text.encode()) / 1e6, dt, size / 1e6, n, rss, hwm, growth,
             bound(growth <= 60 * max(1.0, len(text.encode()) / 10e6))))


def unread(server, text, edits):
    c = Client(server)
    c.initialize()
    uri = 'file:///bench/unread.policy'
    c.open(uri, text)
    c.settle(0.5)
    before, _ = c.rss_mb()
    c.reading.clear()
    lines = text.split('\n')
    line = max(range(min(len(lines), 1000)), key=lambda i: len(lines[i]))
    t0 = time.perf_counter()
    for v in range(2, edits + 2):
        ch = '<' if v % 2 else '>'
        pos = {'line': line, 'character': 0}
        c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': v},
                                            'contentChanges': [{'range': {'start': pos, 'end': pos}, 'text': ch}]})
    sent = time.perf_counter() - t0
    c.settle()
    after, hwm = c.rss_mb()
    # Reading again, the client gets the last edit's diagnostics, and few before them.
    c.reading.set()
    versions = []

    def last(m):
        if m.get('method') == 'textDocument/publishDiagnostics' and m['params']['uri'] == uri:
            versions.append(m['params']['version'])
            return m['params']['version'] == edits + 1
        return False

    c.wait(last)
    print('unread: %d edits to a %.1f MB document, client not reading stdout (sent in %.1f s): '
          'RSS %.0f → %.0f MB, peak %.0f MB (bound 120 MB: %s); then %d publishes up to the last edit\'s'
          % (edits, len(text.encode()) / 1e6, sent, before, after, hwm, bound(after <= 120), len(versions)))
    c.close()


def taxonomy(server):
    with tempfile.TemporaryDirectory() as d:
        moves = os.path.join(d, 'moves.toml')
        words = ', '.join('"自造词%d"' % i for i in range(10_000))
        with open(moves, 'w', encoding='utf-8') as f:
            f.write('[[category]]\nid = "identity"\nkeywords = [%s]\n' % words)
            f.write('[[category]]\nid = "device"\nkeywords = [%s]\n' % words)
        stops = os.path.join(d, 'stops.toml')
        with open(stops, 'w', encoding='utf-8') as f:
            f.write('[matching]\nstop_words = [%s]\n' % ', '.join('"停用%d"' % i for i in range(80_000)))

        def timed(*args):
            t = time.perf_counter()
            out = subprocess.run([server, 'classify', *args], capture_output=True, text=True)
            return time.perf_counter() - t, out

        base, _ = timed('手机号码')
        dt, out = timed('--taxonomy', moves, '自造词5')
        assert 'device' in out.stdout, out
        print('taxonomy: 10,000 keywords moved: %.2f s (without the file %.2f s; bound 1 s: %s)'
              % (dt, base, bound(dt - base <= 1)))
        dt, out = timed('--taxonomy', stops, '停用5手机号码')
        assert 'basic_profile' in out.stdout, out
        print('taxonomy: 80,000 stop words: %.2f s' % dt)
        suffixes = os.path.join(d, 'suffixes.toml')
        with open(suffixes, 'w', encoding='utf-8') as f:
            f.write('[matching]\nsuffixes = [%s]\n' % ', '.join('"后缀%d"' % i for i in range(80_000)))
        terms = ['手机号码%d后缀7' % i for i in range(2000)]
        one, _ = timed('--taxonomy', suffixes, terms[0])
        dt, out = timed('--taxonomy', suffixes, *terms)
        assert 'basic_profile' in out.stdout, out
        print('taxonomy: 80,000 suffixes: loading %.2f s, then 2,000 items classified in %.2f s'
              % (one, dt - one))


def fifo(server):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'policy-lsp.toml')
        os.mkfifo(path)
        c = Client(server)
        c.initialize({'taxonomy': path})
        t = time.perf_counter()
        c.open('file:///bench/fifo.policy', '<数据>')
        c.request('textDocument/hover', {'textDocument': {'uri': 'file:///bench/fifo.policy'},
                                                    'position': {'line': 0, 'character': 1}})
        print('fifo: taxonomy naming a FIFO: open and hover answered in %.2f s (%s)'
              % (time.perf_counter() - t, 'ok' if 'result' in c.answer else c.answer))
        c.close()


def terms(server, lines=100_000, edits=40):
    """A policy of `lines` lines, each annotating a distinct made-up term and
    then leaving it unannotated once: with the preset, every line has its
    own `unclassified-data` and `unannotated-term` findings, so the
    diagnostics list grows with the text. Open and keystroke times, memory
    and the size of a publish, preset off and on; and `check --lint pipl`."""
    rng = random.Random(1)
    han = [chr(c) for c in range(0x4e00, 0x4e00 + 3000)]

    def word(n):
        return ''.join(rng.choice(han) for _ in range(n))

    rows = []
    for _ in range(lines):
        t = word(4)
        rows.append('(我们)[收集]您的<%s>，用于{服务}。另外%s和%s。' % (t, t, word(6)))
    text = '\n'.join(rows)
    mb = len(text.encode()) / 1e6
    import bench_lints  # noqa: E402 (it imports bench_server too)
    for lints in ([], ['pipl']):
        c = Client(server)
        c.initialize({'lints': lints})
        uri = 'file:///bench/terms.policy'
        t = time.perf_counter()
        c.open(uri, text)
        opened = time.perf_counter() - t
        c.settle(0.5)
        lat, _ = bench_lints.keystrokes(c, uri, rows, rng, 1, edits)
        rss, hwm = c.rss_mb()
        print('terms: %.1f MB, %d distinct terms, lints %s: open %.2f s; keystroke median %.1f ms, '
              'p90 %.1f ms (%d edits); a publish %.1f MB; RSS %.0f MB, peak %.0f MB'
              % (mb, lines, lints or 'off', opened, statistics.median(lat), pct(lat, 0.9), edits,
                 c.length / 1e6, rss, hwm))
        c.close()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'terms.policy')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        for args in ([], ['--lint', 'pipl']):
            t = time.perf_counter()
            run = subprocess.run(['/usr/bin/time', '-f', '%M', server, 'check', '--format', 'json', *args, path],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            dt = time.perf_counter() - t
            peak = run.stderr.strip().splitlines()[-1]
            print('terms: check %s: %.2f s, peak RSS %.0f MB'
                  % (' '.join(args) or '(no lints)', dt, int(peak) / 1024 if peak.isdigit() else float('nan')))


def flood(server, closers=2_000_000, edits=20):
    """A document of `closers` stray `>` (100 a line): as many syntax
    errors. The server sends at most 50,000 of them and a warning."""
    rows = ['>' * 100] * (closers // 100)
    text = '\n'.join(rows)
    c = Client(server)
    c.initialize()
    uri = 'file:///bench/flood.policy'
    t = time.perf_counter()
    c.open(uri, text)
    opened = time.perf_counter() - t
    size = c.length
    c.settle(0.5)
    import bench_lints  # noqa: E402
    lat, _ = bench_lints.keystrokes(c, uri, rows, random.Random(1), 1, edits)
    rss, hwm = c.rss_mb()
    c.close()
    print('flood: %.1f MB of stray closers (%d errors): open %.2f s, a publish %.1f MB; keystroke median %.1f ms '
          '(%d edits); RSS %.0f MB, peak %.0f MB (bound: 50,000 diagnostics sent)'
          % (len(text) / 1e6, closers, opened, size / 1e6, statistics.median(lat), edits, rss, hwm))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', default='target/release/policy-lsp')
    ap.add_argument('--corpus', default='../shared/corpus/ca4p-dev')
    ap.add_argument('--copies', type=int, default=4)
    ap.add_argument('--edits', type=int, default=2000)
    ap.add_argument('--only', choices=['outline', 'unread', 'taxonomy', 'fifo', 'terms', 'flood'])
    a = ap.parse_args()
    if not sys.platform.startswith('linux'):
        sys.exit('bench_hostile.py reads /proc: Linux only')
    names = sorted(n for n in os.listdir(a.corpus) if n.endswith('.policy'))
    text = ''.join(open(os.path.join(a.corpus, n), encoding='utf-8').read() for n in names) * a.copies
    if a.only in (None, 'outline'):
        outline(a.server, text)
    if a.only in (None, 'unread'):
        unread(a.server, text, a.edits)
    if a.only in (None, 'taxonomy'):
        taxonomy(a.server)
    if a.only in (None, 'fifo'):
        fifo(a.server)
    if a.only in (None, 'terms'):
        terms(a.server)
    if a.only in (None, 'flood'):
        flood(a.server)


if __name__ == '__main__':
    main()
