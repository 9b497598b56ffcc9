"""Hostile and huge input over real stdio (issue 17): nothing is dropped
without a word, protocol edges are read as the protocol says, and a client
that stops reading does not make diagnostics pile up. Memory and time
figures are in scripts/bench_hostile.py, never here."""
import json
import os
import subprocess
import tempfile
import threading

from conftest import JD, ROOT
from test_robustness import Raw

OUT_OF_SYNC = "the server's copy of this document is out of step with the editor: close and reopen it"


def change(uri, version, changes):
    return {'method': 'textDocument/didChange', 'params': {
        'textDocument': {'uri': uri, 'version': version}, 'contentChanges': changes}}


def at(line, character):
    return {'line': line, 'character': character}


def insert(line, character, text):
    return {'range': {'start': at(line, character), 'end': at(line, character)}, 'text': text}


def warned(s, uri, kind=2):
    """The message shown (a warning by default) and the diagnostics of
    `uri` that follow, in whichever order they come."""
    got = {}

    def both(m):
        if m.get('method') == 'window/showMessage' and m['params']['type'] == kind:
            got['message'] = m['params']['message']
        if m.get('method') == 'textDocument/publishDiagnostics' and m['params']['uri'] == uri:
            got['diagnostics'] = m['params']['diagnostics']
        return len(got) == 2

    s.next(both)
    return got['message'], got['diagnostics']


def raw_change(s, uri, version_json, change_json):
    """A didChange written by hand, to send what json.dumps cannot."""
    body = ('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"%s","version":%s},'
            '"contentChanges":[%s]}}' % (uri, version_json, change_json)).encode()
    s.write(b'Content-Length: %d\r\n\r\n' % len(body) + body)


# Point 6: an edit that cannot be read is reported, not dropped in silence.

BAD_CHANGES = [
    ('2147483648', '{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"x"}'),
    ('null', '{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"x"}'),
    ('"5"', '{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"x"}'),
    ('5', '{"range":{"start":{"line":0,"character":-1},"end":{"line":0,"character":0}},"text":"x"}'),
    ('5', '{"range":{"start":{"line":0,"character":4294967296},"end":{"line":0,"character":0}},"text":"x"}'),
    ('5', '{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}}}'),
]


def test_an_undecodable_change_is_reported_until_the_document_is_replaced():
    for version, bad in BAD_CHANGES:
        s = Raw()
        s.initialize()
        uri = 'file:///stale.policy'
        s.open(uri, '(我们)[收集]<手机号码>\n第二行')
        assert s.diagnostics(uri, 1) == []
        raw_change(s, uri, version, bad)
        message, d = warned(s, uri)
        assert uri in message and 'close and reopen' in message, message
        assert [(x['code'], x['message'], x['range']) for x in d] == [
            ('out-of-sync', OUT_OF_SYNC, {'start': at(0, 0), 'end': at(0, 14)})], (version, bad)
        # A later edit still applies, and the warning stays.
        s.send(change(uri, 6, [insert(1, 0, '<')]))
        assert [x['code'] for x in s.diagnostics(uri, 6)] == ['out-of-sync', 'unclosed-annotation']
        r = s.request('textDocument/diagnostic', {'textDocument': {'uri': uri}})
        assert r['result']['items'][0]['code'] == 'out-of-sync'
        # The editor sends its whole text: in step again.
        s.send(change(uri, 7, [{'text': '<数据>'}]))
        assert s.diagnostics(uri, 7) == []
        assert s.close() == 0


def test_reopening_clears_the_out_of_sync_diagnostic():
    s = Raw()
    s.initialize()
    uri = 'file:///reopen.policy'
    s.open(uri, '<数据>')
    s.diagnostics(uri, 1)
    raw_change(s, uri, 'null', '{"text":"x"}')
    warned(s, uri)
    s.send({'method': 'textDocument/didClose', 'params': {'textDocument': {'uri': uri}}})
    s.open(uri, '<数据>', version=3)
    assert s.diagnostics(uri, 3) == []
    assert s.close() == 0


def test_an_undecodable_open_is_reported_on_the_document():
    s = Raw()
    s.initialize()
    uri = 'file:///never-opened.policy'
    s.send({'method': 'textDocument/didOpen', 'params': {'textDocument': {
        'uri': uri, 'languageId': 'policy', 'version': 'one', 'text': '<数据>'}}})
    message, d = warned(s, uri)
    assert uri in message
    assert [x['code'] for x in d] == ['out-of-sync']
    # Opened properly, it is in step.
    s.open(uri, '<数据>', version=2)
    assert s.diagnostics(uri, 2) == []
    assert s.close() == 0


def test_a_lone_surrogate_is_read_as_a_replacement_character():
    s = Raw()
    s.initialize()
    uri = 'file:///half-pair.policy'
    s.open(uri, '')
    s.diagnostics(uri, 1)
    # Half of 😀, then a whole 😀 written as a pair of escapes.
    raw_change(s, uri, '2', '{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},'
                            '"text":"<\\ud83d\\\\ud83d\\ud83d\\ude00"}')
    assert [x['code'] for x in s.diagnostics(uri, 2)] == ['unclosed-annotation']
    # The text is `<`, U+FFFD (one unit), `\ud83d` as six characters, 😀:
    # a `>` after U+FFFD closes the annotation, and one at the end lands after 😀.
    s.send(change(uri, 3, [insert(0, 2, '>'), insert(0, 11, '>')]))
    assert [x['code'] for x in s.diagnostics(uri, 3)] == ['unmatched-closer']
    r = s.request('textDocument/hover', {'textDocument': {'uri': uri}, 'position': at(0, 1)})
    assert 'error' not in r and r['result'] is not None
    assert s.close() == 0


# Point 7: URIs as some clients send them.

def test_a_uri_with_raw_cjk_and_spaces_opens_and_is_found_again():
    s = Raw()
    s.initialize()
    raw = 'file:///home/user/隐私 政策/文件.policy'
    encoded = 'file:///home/user/%E9%9A%90%E7%A7%81%20%E6%94%BF%E7%AD%96/%E6%96%87%E4%BB%B6.policy'
    s.open(raw, '(我们)[收集]<身份证号码>\n<未闭合')
    assert [x['code'] for x in s.diagnostics(encoded, 1)] == ['unclosed-annotation']
    for uri in (raw, encoded):
        r = s.request('textDocument/hover', {'textDocument': {'uri': uri}, 'position': at(0, 10)})
        assert 'error' not in r and r['result'] is not None, r
    s.send(change(raw, 2, [insert(1, 4, '>')]))
    assert s.diagnostics(encoded, 2) == []
    r = s.request('textDocument/documentSymbol', {'textDocument': {'uri': raw}})
    assert r['result'][0]['name'] == '收集：身份证号码'
    assert s.close() == 0


# Point 8: protocol edges.

def test_header_names_in_any_case_and_content_type_first():
    s = Raw()
    body = json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize', 'params': {
        'processId': None, 'rootUri': None, 'capabilities': {}}}).encode()
    s.write(b'content-length: %d\r\n\r\n' % len(body) + body)
    assert 'result' in s.next(lambda m: m.get('id') == 1)
    s.send({'method': 'initialized', 'params': {}})
    body = json.dumps({'jsonrpc': '2.0', 'method': 'textDocument/didOpen', 'params': {'textDocument': {
        'uri': 'file:///typed.policy', 'languageId': 'policy', 'version': 1, 'text': '<数据'}}}).encode()
    s.write(b'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH: %d\r\n\r\n' % len(body)
            + body)
    first = s.next(lambda m: 'error' in m or m.get('method') == 'textDocument/publishDiagnostics')
    assert 'error' not in first, first
    assert [x['code'] for x in first['params']['diagnostics']] == ['unclosed-annotation']
    assert s.close() == 0


def test_an_invalid_request_id_is_answered_with_null():
    s = Raw()
    s.initialize()
    body = b'{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}'
    s.write(b'Content-Length: %d\r\n\r\n' % len(body) + body)
    m = s.next(lambda m: 'error' in m)
    assert m['id'] is None and m['error']['code'] in (-32600, -32700), m
    assert s.close() == 0


# Point 9: settings and taxonomy files.

def test_a_hundred_thousand_unknown_lints_are_one_short_message():
    s = Raw()
    lints = {'no-such-lint-%d' % i: 'on' for i in range(100_000)}
    s.send({'id': 1, 'method': 'initialize', 'params': {'processId': None, 'rootUri': None, 'capabilities': {},
                                                        'initializationOptions': {'lints': lints}}})
    seen = []
    s.next(lambda m: seen.append(m) or m.get('id') == 1)
    s.send({'method': 'initialized', 'params': {}})
    s.open('file:///x.policy', '<x')
    s.next(lambda m: seen.append(m) or m.get('method') == 'textDocument/publishDiagnostics')
    logs = [x['params']['message'] for x in seen if x.get('method') == 'window/logMessage' and 'lint' in
            x['params']['message']]
    assert len(logs) == 1, len(logs)
    assert len(logs[0]) < 1500 and 'more' in logs[0], logs[0][:200]
    assert s.close() == 0


def test_a_fifo_or_a_conflicting_taxonomy_is_refused_with_a_message():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, 'fifo.toml')
        os.mkfifo(fifo)
        conflict = os.path.join(d, 'policy-lsp.toml')
        with open(conflict, 'w') as f:
            f.write('[[category]]\nid = "device"\nsensitive = true\n[[category]]\nid = "device"\nsensitive = false\n')
        for path, expected in ((fifo, 'named pipe'), (conflict, conflict + ':6:')):
            s = Raw()
            s.request('initialize', {'processId': None, 'rootUri': None, 'capabilities': {},
                                     'initializationOptions': {'taxonomy': path}})
            s.send({'method': 'initialized', 'params': {}})
            s.open('file:///t.policy', '<数据')
            message, d = warned(s, 'file:///t.policy', kind=1)  # an error
            assert expected in message, message
            assert [x['code'] for x in d] == ['unclosed-annotation']
            r = s.request('textDocument/hover', {'textDocument': {'uri': 'file:///t.policy'}, 'position': at(0, 1)})
            assert 'result' in r
            assert s.close() == 0


# Point 1: the outline, serialised straight to stdout, is the same answer.

def test_the_direct_outline_equals_towers_and_drops_data_items_when_huge():
    s = Raw()
    s.request('initialize', {'processId': None, 'rootUri': None, 'capabilities': {
        'general': {'positionEncodings': ['utf-16']}}})
    uri = 'file:///jd.policy'
    # Before `initialized` the request goes through tower; after, straight to stdout.
    s.open(uri, JD)
    through_tower = s.request('textDocument/documentSymbol', {'textDocument': {'uri': uri}})
    s.send({'method': 'initialized', 'params': {}})
    direct = s.request('textDocument/documentSymbol', {'textDocument': {'uri': uri}})
    if through_tower.get('error', {}).get('code') == -32002:
        # tower refuses requests until `initialize` is answered; it was, so this is not expected.
        raise AssertionError(through_tower)
    assert direct['result'] == through_tower['result']
    assert any('children' in sym for sym in direct['result'])
    assert s.request('textDocument/documentSymbol', {'textDocument': {'uri': 'file:///none.policy'}})['result'] is None
    assert s.request('textDocument/documentSymbol', {'textDocument': {}})['error']['code'] == -32602
    # Over 20,000 data items: practices are listed without their items.
    huge = 'file:///huge.policy'
    s.open(huge, '一、收集\n' + '(我们)[收集]<手机号码>、<地址>\n' * 10_001)
    r = s.request('textDocument/documentSymbol', {'textDocument': {'uri': huge}})['result']
    practices = r[0]['children']
    assert len(practices) == 10_001
    assert practices[0]['name'] == '收集：手机号码、地址'
    assert all('children' not in p for p in practices)
    assert s.close() == 0


# Point 4: a client that stops reading.

class Paused(Raw):
    """A client whose reading can be paused, as a hung editor would."""

    def __init__(self):
        self.reading = threading.Event()
        self.reading.set()
        super().__init__()

    def _read(self):
        f = self.p.stdout
        while True:
            self.reading.wait()
            line = f.readline()
            if not line:
                self.q.put(None)
                return
            length = 0
            while line.strip():
                if line.lower().startswith(b'content-length:'):
                    length = int(line.split(b':')[1])
                line = f.readline()
            self.q.put(json.loads(f.read(length)))


def test_diagnostics_wait_coalesced_while_the_client_does_not_read():
    """While nobody reads, the server goes on applying edits and keeps only
    the newest diagnostics; reading again, the client gets the last edit's,
    in order. (What this saves in memory is measured by
    scripts/bench_hostile.py, not here.)"""
    s = Paused()
    s.initialize()
    uri = 'file:///unread.policy'
    # ~3,000 diagnostics: each publish is far larger than a pipe's buffer.
    s.open(uri, '<数据\n' * 3000)
    assert len(s.diagnostics(uri, 1)) == 3000
    s.reading.clear()
    for v in range(2, 302):
        s.send(change(uri, v, [insert(0, 0, 'x')]))
    # The edits are applied while nobody reads: the last one's diagnostics
    # come once the client reads again ...
    s.reading.set()
    published = []

    def newest(m):
        if m.get('method') == 'textDocument/publishDiagnostics' and m['params']['uri'] == uri:
            published.append(m['params']['version'])
            return m['params']['version'] == 301
        return False

    d = s.next(newest)['params']['diagnostics']
    assert len(d) == 3000 and d[0]['range']['start'] == at(0, 300)
    # ... and only the newest batch waited, not one per edit.
    assert len(published) < 20, published
    assert published == sorted(published), 'never an older version after a newer one'
    assert s.close() == 0
