"""A session as an editor runs it: open, type, read diagnostics, tokens and
hovers, in every position encoding."""
import asyncio

from lsprotocol.types import (DidChangeTextDocumentParams, DidOpenTextDocumentParams, HoverParams, Position,
                              Range, SemanticTokensParams, TextDocumentContentChangePartial,
                              TextDocumentIdentifier, TextDocumentItem, VersionedTextDocumentIdentifier)
from pytest_lsp import LanguageClient

from conftest import JD, units

URI = 'file:///tmp/policy-lsp-pytest/jd.policy'


async def diagnostics_of(client, uri, version):
    """Waits for the diagnostics of `version`. Call right after sending the
    change: nothing is read from the server until this awaits."""
    while True:
        params = await asyncio.wait_for(client.wait_for_notification('textDocument/publishDiagnostics'), 10)
        if params.uri == uri and params.version == version:
            return params.diagnostics


async def test_breaking_and_fixing_a_bracket_in_the_jd_sample(client: LanguageClient):
    client.text_document_did_open(DidOpenTextDocumentParams(
        TextDocumentItem(uri=URI, language_id='policy', version=1, text=JD)))
    assert list(await diagnostics_of(client, URI, 1)) == []
    # Line 15 holds `<真实姓名>`-style items; delete the first `>` on it.
    line = JD.split('\n')[15]
    col = line.index('>')
    enc = client.encoding
    start = Position(line=15, character=units(line[:col], enc))
    end = Position(line=15, character=units(line[:col + 1], enc))
    client.text_document_did_change(DidChangeTextDocumentParams(
        text_document=VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[TextDocumentContentChangePartial(range=Range(start=start, end=end), text='')]))
    diags = await diagnostics_of(client, URI, 2)
    assert [d.code for d in diags] == ['unclosed-annotation']
    assert diags[0].source == 'policy-lsp'
    client.text_document_did_change(DidChangeTextDocumentParams(
        text_document=VersionedTextDocumentIdentifier(uri=URI, version=3),
        content_changes=[TextDocumentContentChangePartial(range=Range(start=start, end=start), text='>')]))
    assert list(await diagnostics_of(client, URI, 3)) == []


async def test_tokens_and_a_sensitive_hover(client: LanguageClient):
    text = '😀(我们)[收集]您的<身份证号码>\r\n𠮷<设备型号>'
    client.text_document_did_open(DidOpenTextDocumentParams(
        TextDocumentItem(uri=URI, language_id='policy', version=1, text=text)))
    await diagnostics_of(client, URI, 1)
    tokens = await client.text_document_semantic_tokens_full_async(
        SemanticTokensParams(text_document=TextDocumentIdentifier(uri=URI)))
    data = list(tokens.data)
    assert len(data) == 4 * 5
    # Third token: the data item, sensitive (modifier bit 0).
    assert data[10:15] == [0, units('收集]您的<', client.encoding), units('身份证号码', client.encoding), 2, 1]
    assert data[15:20] == [1, units('𠮷<', client.encoding), units('设备型号', client.encoding), 2, 0]
    hover = await client.text_document_hover_async(HoverParams(
        text_document=TextDocumentIdentifier(uri=URI),
        position=Position(line=0, character=units('😀(我们)[收集]您的<身份', client.encoding))))
    first = hover.contents.value.splitlines()[0]
    assert '个人敏感信息' in first and '个人身份信息' in first, first
    hover = await client.text_document_hover_async(HoverParams(
        text_document=TextDocumentIdentifier(uri=URI),
        position=Position(line=1, character=units('𠮷<设', client.encoding))))
    first = hover.contents.value.splitlines()[0]
    assert '个人信息' in first and '敏感' not in first and '设备' in first, first
