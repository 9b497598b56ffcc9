#!/usr/bin/env python3
"""What the `pipl` lints cost, as ratios measured in one run (issue 11):

- `policy-lsp check --lint pipl` on the corpus against plain `check`, runs
  alternated so that the machine's load falls on both alike;
- keystroke → publishDiagnostics on the corpus four times over (10 MB),
  with the preset on against off, in alternating blocks of edits in one
  server (switched with workspace/didChangeConfiguration).

    scripts/bench_lints.py [--server target/release/policy-lsp] [--corpus DIR] [--also FILE...]

`--also` times the keystrokes on each FILE as it is too (a policy of
ordinary size: the JD sample, the corpus's largest).

Python standard library only; the server client is bench_server.py's.
"""
import argparse, os, random, re, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import Client, pct  # noqa: E402


def time_check(server, corpus, runs):
    plain, linted = [], []
    for _ in range(runs):
        for args, out in (([], plain), (['--lint', 'pipl'], linted)):
            t0 = time.perf_counter()
            subprocess.run([server, 'check', '--format', 'json', *args, corpus],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out.append(time.perf_counter() - t0)
    return statistics.median(plain), statistics.median(linted)


def count_findings(server, corpus, lints):
    out = subprocess.run([server, 'check', '--format', 'json', *lints, corpus],
                         capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if '"type":"diagnostic"' in line.replace(' ', ''))


def data_spots(lines):
    """(line, UTF-16 column) just inside the `<` of each short data annotation:
    where an annotator types a data item."""
    spots = []
    for l, line in enumerate(lines):
        for m in re.finditer(r'<([^<>\\]{2,8})>', line):
            spots.append((l, len(line[:m.start(1)].encode('utf-16-le')) // 2))
    return spots


def keystrokes(c, uri, lines, rng, version, n, bodies=None, spots=None):
    """n one-character inserts at random places (with `spots`, at random
    ones of those), each undone; returns the latencies (ms) to the answer's
    header and the version reached. With `bodies`, the latencies to its
    last byte are appended there."""
    lat = []
    for i in range(n):
        if spots:
            l, col = rng.choice(spots)
        else:
            l = rng.randrange(len(lines))
            col = len(lines[l][:rng.randrange(len(lines[l]) + 1)].encode('utf-16-le')) // 2
        pos = {'line': l, 'character': col}
        version += 1
        v = version
        t0 = c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': v},
                                                 'contentChanges': [{'range': {'start': pos, 'end': pos},
                                                                     'text': '数' if spots else ['<', '数', '>', 'a'][i % 4]}]})
        t1, _ = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
                       and m['params'].get('version') == v)
        lat.append((t1 - t0) * 1e3)
        if bodies is not None:
            bodies.append((c.body_time - t0) * 1e3)
        version += 1
        v = version
        end = {'line': l, 'character': col + 1}
        c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': v},
                                            'contentChanges': [{'range': {'start': pos, 'end': end}, 'text': ''}]})
        c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == v)
    return lat, version


def set_lints(c, uri, lints):
    """Switches the lints; returns the diagnostics and bytes of a publish."""
    c.notify('workspace/didChangeConfiguration', {'settings': {'policyLsp': {'lints': lints}}})
    # The server republishes every open document under the new settings.
    _, m = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params']['uri'] == uri)
    return len(m['params']['diagnostics']), c.length


def time_keystrokes(server, text, blocks, per_block, inside=False):
    """Keystrokes with the lints off and on, in alternating blocks; with
    `inside`, each types a character inside a data annotation."""
    c = Client(server)
    c.request('initialize', {'processId': os.getpid(), 'rootUri': None, 'capabilities': {
        'general': {'positionEncodings': ['utf-16']}}})
    c.notify('initialized', {})
    uri = 'file:///bench/document.policy'
    c.notify('textDocument/didOpen', {'textDocument': {'uri': uri, 'languageId': 'policy', 'version': 1, 'text': text}})
    c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics' and m['params'].get('version') == 1)
    lines = text.splitlines()
    spots = data_spots(lines) if inside else None
    rng = random.Random(11)
    version = 1
    off, on = [], []
    bodies = {'off': [], 'pipl': []}
    counts, sizes = {}, {}
    for _ in range(blocks):
        for lints, out, name in (({}, off, 'off'), (['pipl'], on, 'pipl')):
            counts[name], sizes[name] = set_lints(c, uri, lints)
            keystrokes(c, uri, lines, rng, version, 3)  # warm up after the switch
            version += 6
            lat, version = keystrokes(c, uri, lines, rng, version, per_block, bodies[name], spots)
            out.extend(lat)
    c.request('shutdown', None)
    c.notify('exit', None)
    c.p.wait(timeout=10)
    return off, on, counts, bodies, sizes


# A server that does nothing but answer each didChange with a
# publishDiagnostics of a given size, made before the edit comes: what
# moving that many bytes through the pipe into this client costs.
ECHO = r"""
import os, sys, json
size, fd, inp = int(sys.argv[1]), sys.stdout.fileno(), sys.stdin.buffer
tail = ('","diagnostics":[]}}').encode()
pad = b'x' * max(0, size - 120)
def put(*parts):
    for p in parts:
        mv = memoryview(p)
        while mv:
            mv = mv[os.write(fd, mv):]
while True:
    length = 0
    while True:
        line = inp.readline()
        if not line:
            sys.exit(0)
        if not line.strip():
            break
        if line.lower().startswith(b'content-length:'):
            length = int(line.split(b':')[1])
    m = json.loads(inp.read(length))
    if m.get('method') == 'exit':
        sys.exit(0)
    if 'id' in m:
        body = json.dumps({'jsonrpc': '2.0', 'id': m['id'], 'result': None}).encode()
        put(b'Content-Length: %d\r\n\r\n' % len(body), body)
    elif m.get('method') == 'textDocument/didChange':
        v = m['params']['textDocument']['version']
        head = b'{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"version":%d,"uri":"' % v
        put(b'Content-Length: %d\r\n\r\n' % (len(head) + len(pad) + len(tail)), head, pad, tail)
"""


def transport_floor(size, n=150):
    """Median ms from a didChange to the last byte of a publish of `size`
    bytes from a server that does no work for it."""
    c = Client(sys.executable, ['-c', ECHO, str(size)])
    lat = []
    for v in range(n):
        t0 = c.notify('textDocument/didChange', {'textDocument': {'uri': 'u', 'version': v},
                                                 'contentChanges': []})
        c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
               and m['params']['version'] == v)
        lat.append((c.body_time - t0) * 1e3)
    c.notify('exit', None)
    c.p.wait(timeout=10)
    return statistics.median(lat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', default='target/release/policy-lsp')
    ap.add_argument('--corpus', default='../shared/corpus/ca4p-dev')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--blocks', type=int, default=6)
    ap.add_argument('--per-block', type=int, default=40)
    ap.add_argument('--also', nargs='*', default=[], metavar='FILE')
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        sys.exit('no corpus at %s' % a.corpus)
    plain, linted = time_check(a.server, a.corpus, a.runs)
    n_plain = count_findings(a.server, a.corpus, [])
    n_linted = count_findings(a.server, a.corpus, ['--lint', 'pipl'])
    print('check on %s, median of %d runs each, alternated:' % (a.corpus, a.runs))
    print('  without lints      %7.1f ms   (%d diagnostics)' % (plain * 1e3, n_plain))
    print('  --lint pipl        %7.1f ms   (%d diagnostics)   = %.2fx   (target <= 1.5x)'
          % (linted * 1e3, n_linted, linted / plain))
    names = sorted(n for n in os.listdir(a.corpus) if n.endswith('.policy'))
    corpus = ''.join(open(os.path.join(a.corpus, n), encoding='utf-8').read() for n in names)
    text = corpus * 4
    off, on, counts, bodies, sizes = time_keystrokes(a.server, text, a.blocks, a.per_block)
    print('keystroke -> publishDiagnostics, %.1f MB document, %d blocks of %d edits alternated:'
          % (len(text.encode()) / 1e6, a.blocks, a.per_block))
    print('  lints off          median %6.2f ms   p99 %6.2f ms   (%d diagnostics, %.2f MB)'
          % (statistics.median(off), pct(off, 0.99), counts['off'], sizes['off'] / 1e6))
    print('  preset pipl        median %6.2f ms   p99 %6.2f ms   (%d diagnostics, %.2f MB)   = %.2fx   (target <= 1.2x)'
          % (statistics.median(on), pct(on, 0.99), counts['pipl'], sizes['pipl'] / 1e6,
             statistics.median(on) / statistics.median(off)))
    b_off, b_on = statistics.median(bodies['off']), statistics.median(bodies['pipl'])
    print('  to the last byte   median %6.2f ms against %6.2f ms = %.2fx'
          % (b_on, b_off, b_on / b_off))
    f_off, f_on = transport_floor(sizes['off']), transport_floor(sizes['pipl'])
    print('  transport alone (a server that does nothing, publishes of the same sizes, to the last byte):\n'
          '                     %.2f ms against %.2f ms; the larger publish alone is %.2fx the whole '
          'keystroke without lints' % (f_on, f_off, f_on / b_off))
    off, on, _, _, _ = time_keystrokes(a.server, text, a.blocks, a.per_block // 2, inside=True)
    print('  typing inside a <data> annotation (the annotator\'s usual edit: the terms change):\n'
          '                     off %.2f ms, pipl %.2f ms (p99 %.2f ms) = %.2fx'
          % (statistics.median(off), statistics.median(on), pct(on, 0.99),
             statistics.median(on) / statistics.median(off)))
    for path in a.also:
        text = open(path, encoding='utf-8').read()
        off, on, counts, _, _ = time_keystrokes(a.server, text, a.blocks, a.per_block)
        print('keystroke -> publishDiagnostics, %s (%.0f KB): off %.2f ms (%d diagnostics), '
              'pipl %.2f ms (%d diagnostics) = %.2fx'
              % (os.path.basename(path), len(text.encode()) / 1e3, statistics.median(off), counts['off'],
                 statistics.median(on), counts['pipl'], statistics.median(on) / statistics.median(off)))


if __name__ == '__main__':
    main()
