#!/usr/bin/env python3
"""The workspace index over stdio: a folder of policies (the CA4P-dev files
copied four times into a temporary folder, never into the project) is
indexed after `initialized`; prints the time from `initialized` to the
progress `end`, resident memory before and after, keystroke latency on an
open document while indexing runs and after, and the time of a
`workspace/symbol` query and of a `workspace/diagnostic` pull.

    scripts/bench_workspace.py [--server target/release/policy-lsp] [--corpus DIR] [--copies 4]

Uses `scripts/bench_server.py`'s client. Python standard library only.
"""
import argparse, os, pathlib, shutil, statistics, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import Client  # noqa: E402


def keystroke(c, uri, version, line):
    """One character typed at the start of `line` and removed; the latency
    (ms) of the first edit's diagnostics."""
    pos = {'line': line, 'character': 0}
    t0 = c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': version},
                                             'contentChanges': [{'range': {'start': pos, 'end': pos}, 'text': '<'}]})
    t1, _ = c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
                   and m['params'].get('version') == version, keep=True)
    c.notify('textDocument/didChange', {'textDocument': {'uri': uri, 'version': version + 1},
                                        'contentChanges': [{'range': {'start': pos, 'end': {'line': line, 'character': 1}},
                                                            'text': ''}]})
    c.wait(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
           and m['params'].get('version') == version + 1, keep=True)
    return (t1 - t0) * 1e3


def run(server, root, jd):
    files = sorted(root.rglob('*.policy'))
    size = sum(f.stat().st_size for f in files)
    c = Client(server)
    c.request('initialize', {'processId': os.getpid(), 'rootUri': root.as_uri(),
                             'workspaceFolders': [{'uri': root.as_uri(), 'name': 'bench'}],
                             'capabilities': {'general': {'positionEncodings': ['utf-16']},
                                              'window': {'workDoneProgress': True},
                                              'textDocument': {'diagnostic': {}}},
                             'initializationOptions': {'pullDiagnostics': True}})
    before, _ = c.rss_mb()
    # An open document outside the folder, edited while the index is made.
    uri = 'file:///bench-open/jd.policy'
    t0 = c.notify('initialized', {})
    c.notify('textDocument/didOpen', {'textDocument': {'uri': uri, 'languageId': 'policy', 'version': 1, 'text': jd}})
    lines = jd.count('\n')
    busy = []
    version = 2
    ended = None
    reports = 0
    while ended is None:
        busy.append(keystroke(c, uri, version, (version * 7) % lines))
        version += 2
        time.sleep(0.01)  # a fast typist: about 50 keys a second, each typed and deleted
        for item in [b for b in c.backlog if b[1].get('method') == '$/progress']:
            c.backlog.remove(item)
            kind = item[1]['params']['value']['kind']
            reports += kind == 'report'
            if kind == 'end':
                ended = item
    took = (ended[0] - t0) * 1e3
    message = ended[1]['params']['value'].get('message')
    time.sleep(0.5)
    after, hwm = c.rss_mb()
    idle = []
    for i in range(100):
        idle.append(keystroke(c, uri, version + 2 * i, (i * 7) % lines))
        time.sleep(0.01)
    version += 200
    sym_s, symbols = c.request('workspace/symbol', {'query': 'data:location'})
    pull_s, report = c.request('workspace/diagnostic', {'previousResultIds': []})
    again_s, _ = c.request('workspace/diagnostic', {'previousResultIds': [
        {'uri': i['uri'], 'value': i['resultId']} for i in report['items'] if i.get('resultId')]})
    # The corpus checks: closed files are read again for their findings.
    c.notify('workspace/didChangeConfiguration', {'settings': {'lints': ['corpus']}})
    time.sleep(1)
    corpus_s, corpus_report = c.request('workspace/diagnostic', {'previousResultIds': []})
    findings = sum(len(i.get('items', [])) for i in corpus_report['items'])
    c.request('shutdown', None)
    c.notify('exit', None)
    c.p.wait(timeout=10)
    print('workspace: %d policies, %.1f MB' % (len(files), size / 1e6))
    print('  initialized → progress end:        %8.0f ms   (%s; %d reports)' % (took, message, reports))
    print('  memory: RSS %.1f MB before indexing, %.1f MB after (+%.1f MB = %.2fx the text; peak %.1f MB)'
          % (before, after, after - before, (after - before) / (size / 1e6), hwm))
    print('  keystroke → diagnostics while indexing: median %.2f ms (%d edits); after: median %.2f ms'
          % (statistics.median(busy), len(busy), statistics.median(idle)))
    print('  workspace/symbol data:location:    %8.1f ms   (%d symbols)' % (sym_s * 1e3, len(symbols or [])))
    print('  workspace/diagnostic, first pull:  %8.1f ms   (%d documents); again, unchanged: %.1f ms'
          % (pull_s * 1e3, len(report['items']), again_s * 1e3))
    print('  workspace/diagnostic with the corpus checks on: %.0f ms   (%d diagnostics)' % (corpus_s * 1e3, findings))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', default='target/release/policy-lsp')
    ap.add_argument('--corpus', default='../shared/corpus/ca4p-dev')
    ap.add_argument('--copies', type=int, default=4)
    a = ap.parse_args()
    here = pathlib.Path(__file__).resolve().parent
    jd = (here.parent / 'examples' / 'jd-privacy-policy.policy').read_text(encoding='utf-8')
    sources = sorted(pathlib.Path(a.corpus).glob('*.policy'))
    if not sources:
        print('note: no corpus at %s; the JD sample stands in for each policy' % a.corpus)
    with tempfile.TemporaryDirectory(prefix='policy-lsp-bench-workspace-') as tmp:
        root = pathlib.Path(tmp)
        for k in range(a.copies):
            folder = root / ('copy%d' % k)
            folder.mkdir()
            if sources:
                for s in sources:
                    shutil.copyfile(s, folder / s.name)
            else:
                for i in range(120):
                    (folder / ('jd%03d.policy' % i)).write_text(jd, encoding='utf-8')
        run(a.server, root, jd)


if __name__ == '__main__':
    main()
