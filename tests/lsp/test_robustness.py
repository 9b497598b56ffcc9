"""Bad input over real stdio: the server answers with the right errors,
keeps running, and keeps every document intact."""
import json
import subprocess
import threading
import queue
import time

from conftest import SERVER

TIMEOUT = 60


class Raw:
    """A client that writes bytes by hand, to send what no library would."""

    def __init__(self):
        self.p = subprocess.Popen([SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.q = queue.Queue()
        self.id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.p.stdout
        while True:
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

    def write(self, raw: bytes):
        self.p.stdin.write(raw)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(dict(msg, jsonrpc='2.0'), ensure_ascii=False).encode()
        self.write(b'Content-Length: %d\r\n\r\n' % len(body) + body)

    def next(self, pred):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            m = self.q.get(timeout=deadline - time.time())
            assert m is not None, 'the server exited'
            if pred(m):
                return m
        raise AssertionError('no such message in time')

    def request(self, method, params=None):
        self.id += 1
        rid = self.id
        self.send({'id': rid, 'method': method, 'params': params})
        return self.next(lambda m: m.get('id') == rid and 'method' not in m)

    def initialize(self):
        r = self.request('initialize', {'processId': None, 'rootUri': None, 'capabilities': {
            'general': {'positionEncodings': ['utf-16']}}})
        self.send({'method': 'initialized', 'params': {}})
        return r

    def open(self, uri, text, version=1):
        self.send({'method': 'textDocument/didOpen', 'params': {'textDocument': {
            'uri': uri, 'languageId': 'policy', 'version': version, 'text': text}}})

    def diagnostics(self, uri, version):
        m = self.next(lambda m: m.get('method') == 'textDocument/publishDiagnostics'
                      and m['params']['uri'] == uri and m['params'].get('version') == version)
        return m['params']['diagnostics']

    def close(self):
        self.request('shutdown')
        self.send({'method': 'exit'})
        return self.p.wait(timeout=10)


def test_requests_before_initialize_are_refused_then_work():
    s = Raw()
    r = s.request('textDocument/hover', {'textDocument': {'uri': 'file:///a.policy'},
                                         'position': {'line': 0, 'character': 0}})
    assert r['error']['code'] == -32002  # ServerNotInitialized
    assert 'result' in s.initialize()
    assert s.close() == 0


def test_malformed_json_and_bad_utf8_get_parse_errors_and_the_server_goes_on():
    s = Raw()
    s.initialize()
    s.open('file:///keep.policy', '<数据')
    assert s.diagnostics('file:///keep.policy', 1)[0]['code'] == 'unclosed-annotation'
    s.write(b'Content-Length: 9\r\n\r\n{"json":,')
    assert s.next(lambda m: m.get('id') is None and 'error' in m)['error']['code'] == -32700
    s.write(b'Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc')
    assert s.next(lambda m: m.get('id') is None and 'error' in m)['error']['code'] == -32700
    r = s.request('textDocument/diagnostic', {'textDocument': {'uri': 'file:///keep.policy'}})
    assert r['result']['items'][0]['code'] == 'unclosed-annotation'
    assert s.close() == 0


def test_a_wrong_content_length_does_not_kill_the_server():
    s = Raw()
    s.initialize()
    body = json.dumps({'jsonrpc': '2.0', 'method': 'textDocument/didOpen', 'params': {}}).encode()
    s.write(b'Content-Length: %d\r\n\r\n' % (len(body) - 5) + body)
    s.open('file:///after.policy', '(我们')
    assert s.diagnostics('file:///after.policy', 1)[0]['code'] == 'unclosed-annotation'
    assert s.close() == 0


def test_unknown_methods_and_bad_params():
    s = Raw()
    s.initialize()
    assert s.request('policy/nonsense', {})['error']['code'] == -32601
    assert s.request('textDocument/hover', {'nonsense': True})['error']['code'] == -32602
    s.send({'method': 'policy/unknownNotification', 'params': {}})
    s.open('file:///x.policy', '<x>')
    assert s.diagnostics('file:///x.policy', 1) == []
    assert s.close() == 0


def test_positions_inside_a_surrogate_pair_and_past_the_end_are_clamped():
    s = Raw()
    s.initialize()
    uri = 'file:///astral.policy'
    s.open(uri, '😀<数据>𠮷\u0000\n')
    assert s.diagnostics(uri, 1) == []
    r = s.request('textDocument/hover', {'textDocument': {'uri': uri}, 'position': {'line': 0, 'character': 1}})
    assert 'result' in r
    r = s.request('textDocument/hover', {'textDocument': {'uri': uri}, 'position': {'line': 99, 'character': 99}})
    assert r['result'] is None
    # An edit starting inside 😀 lands before it.
    s.send({'method': 'textDocument/didChange', 'params': {'textDocument': {'uri': uri, 'version': 2},
            'contentChanges': [{'range': {'start': {'line': 0, 'character': 1}, 'end': {'line': 0, 'character': 1}},
                                'text': '>'}]}})
    d = s.diagnostics(uri, 2)
    assert [(x['code'], x['range']['start']['character']) for x in d] == [('unmatched-closer', 0)]
    assert s.close() == 0


def test_a_100_mb_document_a_1_mb_line_and_nul_bytes():
    s = Raw()
    s.initialize()
    s.open('file:///small.policy', '(我们)[收集]<手机号码')
    assert len(s.diagnostics('file:///small.policy', 1)) == 1
    line = '(我们)[收集]您的<手机号码>以{验证身份}。' * 25 + '\n'
    big = line * (100_000_000 // len(line.encode()) + 1)
    s.open('file:///big.policy', big)
    assert s.diagnostics('file:///big.policy', 1) == []
    one_line = ('<数据>\u0000' * 200_000) + '<未闭合'
    assert len(one_line.encode()) > 1_000_000
    s.open('file:///line.policy', one_line)
    d = s.diagnostics('file:///line.policy', 1)
    assert [x['code'] for x in d] == ['unclosed-annotation']
    assert d[0]['range']['start'] == {'line': 0, 'character': 200_000 * 5}
    # Edit inside the long line; the small document is untouched.
    s.send({'method': 'textDocument/didChange', 'params': {'textDocument': {'uri': 'file:///line.policy', 'version': 2},
            'contentChanges': [{'range': {'start': {'line': 0, 'character': 1}, 'end': {'line': 0, 'character': 1}},
                                'text': '>'}]}})
    codes = [x['code'] for x in s.diagnostics('file:///line.policy', 2)]
    assert codes == ['empty-annotation', 'unmatched-closer', 'unclosed-annotation']
    r = s.request('textDocument/diagnostic', {'textDocument': {'uri': 'file:///small.policy'}})
    assert [x['code'] for x in r['result']['items']] == ['unclosed-annotation']
    assert s.close() == 0


def test_exit_without_shutdown_is_status_1_and_prompt_with_stdin_open():
    s = Raw()
    s.initialize()
    s.send({'method': 'exit'})
    assert s.p.wait(timeout=5) == 1


def test_closing_stdin_ends_the_server():
    s = Raw()
    s.initialize()
    s.p.stdin.close()
    assert s.p.wait(timeout=5) == 1
