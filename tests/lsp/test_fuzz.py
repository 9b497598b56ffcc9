"""Random requests of every kind, at random (often absurd) positions, on
random text: the server must answer each one and stay up."""
import random

from test_robustness import Raw

METHODS = [
    'textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol',
    'textDocument/foldingRange', 'textDocument/documentHighlight', 'textDocument/references',
    'textDocument/prepareRename', 'textDocument/rename', 'textDocument/inlayHint', 'textDocument/diagnostic',
    'textDocument/semanticTokens/full', 'textDocument/semanticTokens/range', 'textDocument/semanticTokens/full/delta',
]
PIECES = ['<', '>', '(', ')', '[', ']', '{', '}', '\\', '收集', '<手机号码>', '[使用]', '😀', '𠮷', '\n', '\r\n',
          '\r', '\u2028', ' ', '（SDK)', '一、', '（一）', '1、', '\u0000', '<指纹>', '(我们)']


def position(rng):
    return {'line': rng.choice([0, 1, 2, 3, rng.randrange(50), 2**31 - 1]),
            'character': rng.choice([0, 1, 2, 3, 5, rng.randrange(40), 2**31 - 1])}


def test_random_requests_are_all_answered_and_the_server_stays_up():
    rng = random.Random(20261130)
    s = Raw()
    s.initialize()
    uri = 'file:///fuzz.policy'
    text = ''.join(rng.choice(PIECES) for _ in range(200))
    s.open(uri, text)
    s.diagnostics(uri, 1)
    version = 1
    for i in range(1500):
        if rng.random() < 0.3:
            version += 1
            start, end = position(rng), position(rng)
            s.send({'method': 'textDocument/didChange', 'params': {'textDocument': {'uri': uri, 'version': version},
                    'contentChanges': [{'range': {'start': start, 'end': end}, 'text': rng.choice(PIECES)}]}})
            continue
        method = rng.choice(METHODS)
        params = {'textDocument': {'uri': uri}, 'position': position(rng),
                  'range': {'start': position(rng), 'end': position(rng)},
                  'context': {'diagnostics': [], 'includeDeclaration': rng.random() < 0.5,
                              'triggerKind': 1},
                  'newName': rng.choice(['新名', '', '<x>', 'a\nb']), 'previousResultId': rng.choice(['1', 'x'])}
        r = s.request(method, params)
        assert 'result' in r or r['error']['code'] in (-32602, -32600, -32803, -32800), (method, params, r)
    # Still alive and consistent: a fresh open of its own text gives the same diagnostics.
    r = s.request('textDocument/diagnostic', {'textDocument': {'uri': uri}})
    assert 'result' in r
    assert s.close() == 0
