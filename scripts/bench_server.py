#!/usr/bin/env python3
"""Drives the release server over stdio, as an editor would, and prints:
keystroke-to-diagnostics latency (median, p99) over random one-character
edits, semanticTokens/full and full/delta times after one keystroke, and
resident memory. Python standard library only.

    scripts/bench_server.py [--server target/release/policy-lsp] [--corpus DIR] [--edits N]

Times are taken when the answer's header arrives, before Python parses it,
so the client's JSON speed does not count against the server. The time its
body was read in full is kept too (`Client.body_time`, `Client.length`):
for a large answer the difference is the pipe's transfer of the body.
"""
import argparse, json, os, queue, random, re, statistics, subprocess, threading, time


class Client:
    """An LSP client over the server's stdio. Clearing `reading` makes it
    stop reading stdout (a client that hangs, bench_hostile.py); `timeout`
    is how long `wait` waits for a message, in seconds."""

    def __init__(self, cmd, args=(), timeout=120):
        self.p = subprocess.Popen([cmd, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.q = queue.Queue()
        self.backlog = []  # messages that arrived while waiting for others
        self.id = 0
        self.timeout = timeout
        self.reading = threading.Event()
        self.reading.set()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.p.stdout
        while True:
            self.reading.wait()
            line = f.readline()
            if not line:
                self.q.put((time.perf_counter(), None, None))
                return
            length = 0
            while line.strip():
                if line.lower().startswith(b'content-length:'):
                    length = int(line.split(b':')[1])
                line = f.readline()
            t = time.perf_counter()
            body = f.read(length)
            self.q.put((t, body, time.perf_counter()))

    def send(self, msg):
        msg['jsonrpc'] = '2.0'
        b = json.dumps(msg, ensure_ascii=False).encode()
        t = time.perf_counter()  # before writing: the answer may come before write() returns
        self.p.stdin.write(b'Content-Length: %d\r\n\r\n' % len(b) + b)
        self.p.stdin.flush()
        return t

    def wait(self, pred, keep=False):
        """The first message that satisfies pred, with its arrival time. With
        keep, messages that do not are kept for a later wait."""
        for i, (t, m, tb, n) in enumerate(self.backlog):
            if pred(m):
                del self.backlog[i]
                self.body_time, self.length = tb, n
                return t, m
        while True:
            t, body, tb = self.q.get(timeout=self.timeout)
            if body is None:
                raise RuntimeError('server exited')
            m = json.loads(body)
            if 'id' in m and 'method' in m:
                self.send({'id': m['id'], 'result': None})
            elif pred(m):
                # When the body of what wait returns had been read, and its size.
                self.body_time, self.length = tb, len(body)
                return t, m
            elif keep:
                self.backlog.append((t, m, tb, len(body)))

    def request(self, method, params):
        """(seconds to the answer, its result); the whole answer stays in
        `answer` (an error has no result), its size in `length`."""
        self.id += 1
        rid = self.id
        t0 = self.send({'id': rid, 'method': method, 'params': params})
        t1, m = self.wait(lambda m: m.get('id') == rid)
        self.answer = m
        return t1 - t0, m.get('result')

    def notify(self, method, params):
        return self.send({'method': method, 'params': params})

    def rss_mb(self):
        with open('/proc/%d/status' % self.p.pid) as f:
            fields = dict(l.split(':', 1) for l in f if ':' in l)
        return int(fields['VmRSS'].split()[0]) / 1024, int(fields['VmHWM'].split()[0]) / 1024


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def run(server, name, text, edits):
    c = Client(server)
    c.request('initialize', {'processId': os.getpid(), 'rootUri': None, 'capabilities': {
        'general': {'positionEncodings': ['utf-16']}}})
    c.notify('initialized', {})
    base_rss, _ = c.rss_mb()
    uri = 'file:///bench/%s.policy' % name
    t0 = c.notify('textDocument/didOpen', {'textDocument': {'uri': uri, 'languageId': 'policy', 'version': 1, 'text': text}})
    t1, _ = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == 1)
    open_ms = (t1 - t0) * 1e3
    lines = text.splitlines()
    rng = random.Random(1)
    lat = []
    version = 1
    for i in range(edits):
        l = rng.randrange(len(lines))
        col = len(lines[l][:rng.randrange(len(lines[l]) + 1)].encode('utf-16-le')) // 2
        version += 1
        ch = ['<', '数', '>', 'a'][i % 4]
        pos = {'line': l, 'character': col}
        t0 = c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': version},
                                                 'contentChanges': [{'range': {'start': pos, 'end': pos}, 'text': ch}]})
        t1, _ = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == version)
        lat.append((t1 - t0) * 1e3)
        # Undo it, so the document stays the corpus text.
        version += 1
        end = {'line': l, 'character': col + 1}
        c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': version},
                                            'contentChanges': [{'range': {'start': pos, 'end': end}, 'text': ''}]})
        c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == version)
    full_s, res = c.request('textDocument/semanticTokens/full', {'textDocument': {'uri': uri}})
    ntok = len(res['data']) // 5
    deltas = []
    for i in range(20):
        rid = res['resultId']
        l = rng.randrange(len(lines))
        version += 1
        pos = {'line': l, 'character': 0}
        c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': version},
                                            'contentChanges': [{'range': {'start': pos, 'end': pos}, 'text': 'a'}]})
        c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == version)
        d_s, res = c.request('textDocument/semanticTokens/full/delta', {'textDocument': {'uri': uri}, 'previousResultId': rid})
        assert 'edits' in res, 'expected a delta'
        deltas.append(d_s * 1e3)
    rss, hwm = c.rss_mb()
    # Last, as its answers are large: a keystroke while a whole-document
    # request is in flight.
    busy = keystrokes_while_busy(c, uri, text, lines, rng, version, max(60, edits // 5))
    _, busy_hwm = c.rss_mb()
    c.request('shutdown', None)
    c.notify('exit', None)
    c.p.wait(timeout=10)
    mb = len(text.encode()) / 1e6
    print('%s: %.1f MB, %d lines, %d tokens' % (name, mb, len(lines), ntok))
    print('  open → diagnostics:              %8.1f ms' % open_ms)
    print('  keystroke → diagnostics:  median %6.2f ms   p99 %6.2f ms   (%d edits)' % (statistics.median(lat), pct(lat, 0.99), edits))
    print('  keystroke → diagnostics while a whole-document request is in flight:')
    print('                            median %6.2f ms   = %.2fx idle   (%d edits, references and annotate-all)'
          % (statistics.median(busy), statistics.median(busy) / statistics.median(lat), len(busy)))
    print('  semanticTokens/full:             %8.2f ms' % (full_s * 1e3))
    print('  semanticTokens/full/delta:median %6.2f ms   max %6.2f ms   (after one keystroke)' % (statistics.median(deltas), max(deltas)))
    print('  memory: RSS %.1f MB (empty server %.1f MB, peak %.1f MB) = %.2fx the document + %.1f MB'
          % (rss, base_rss, hwm, (rss - base_rss) / mb, base_rss))
    print('  memory: peak %.1f MB while answering whole-document requests (references, annotate-all)' % busy_hwm)


def keystrokes_while_busy(c, uri, text, lines, rng, version, n):
    """Keystroke latency while a references or annotate-all request on the
    same document is in flight: each keystroke is sent right after such a
    request, before its answer. Returns the latencies (ms); leaves the text
    as it was and the version advanced by 2 n."""
    # A data item the document annotates often: its references and its
    # annotate-all action read the whole document.
    counts = {}
    for l, line in enumerate(lines):
        for m in re.finditer(r'<([^<>]{2,8})>', line):
            counts.setdefault(m.group(1), []).append((l, m.start(1)))
    target = max(counts.items(), key=lambda kv: len(kv[1]))[1][0] if counts else (0, 0)
    tl, tc = target
    tcol = len(lines[tl][:tc].encode('utf-16-le')) // 2
    at = {'line': tl, 'character': tcol + 1}
    lat = []
    for i in range(n):
        c.id += 1
        rid = c.id
        if i % 2 == 0:
            c.send({'id': rid, 'method': 'textDocument/references', 'params': {
                'textDocument': {'uri': uri}, 'position': at, 'context': {'includeDeclaration': True}}})
        else:
            c.send({'id': rid, 'method': 'textDocument/codeAction', 'params': {
                'textDocument': {'uri': uri}, 'range': {'start': at, 'end': at}, 'context': {'diagnostics': []}}})
        l = rng.randrange(len(lines))
        pos = {'line': l, 'character': 0}
        version += 1
        v = version
        t0 = c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': v},
                                                 'contentChanges': [{'range': {'start': pos, 'end': pos}, 'text': 'a'}]})
        t1, _ = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == v, keep=True)
        lat.append((t1 - t0) * 1e3)
        c.wait(lambda m: m.get('id') == rid, keep=True)
        version += 1
        v = version
        c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': v},
                                            'contentChanges': [{'range': {'start': pos, 'end': {'line': l, 'character': 1}}, 'text': ''}]})
        c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == v, keep=True)
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', default='target/release/policy-lsp')
    ap.add_argument('--corpus', default='../shared/corpus/ca4p-dev')
    ap.add_argument('--edits', type=int, default=300)
    ap.add_argument('--only', choices=['jd-sample', 'corpus', 'corpus-x4'], help='run one case')
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    jd = open(os.path.join(here, '..', 'examples', 'jd-privacy-policy.policy'), encoding='utf-8').read()
    try:
        names = sorted(n for n in os.listdir(a.corpus) if n.endswith('.policy'))
        corpus = ''.join(open(os.path.join(a.corpus, n), encoding='utf-8').read() for n in names)
    except OSError:
        print('note: no corpus at %s; using the JD sample repeated' % a.corpus)
        corpus = jd * 170
    for name, text in [('jd-sample', jd), ('corpus', corpus), ('corpus-x4', corpus * 4)]:
        if a.only in (None, name):
            run(a.server, name, text, a.edits)


if __name__ == '__main__':
    main()
