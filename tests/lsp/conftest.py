"""Subprocess tests: the release binary over real stdio, driven by
pytest-lsp (a real LSP client library) and by hand-written bytes."""
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol.types import ClientCapabilities, GeneralClientCapabilities, HoverClientCapabilities, \
    InitializeParams, MarkupKind, PositionEncodingKind, TextDocumentClientCapabilities
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = os.environ.get('POLICY_LSP', str(ROOT / 'target' / 'release' / 'policy-lsp'))
JD = (ROOT / 'examples' / 'jd-privacy-policy.policy').read_text(encoding='utf-8')


def capabilities(encoding):
    return ClientCapabilities(
        general=GeneralClientCapabilities(position_encodings=[PositionEncodingKind(encoding)]),
        text_document=TextDocumentClientCapabilities(
            hover=HoverClientCapabilities(content_format=[MarkupKind.Markdown, MarkupKind.PlainText])),
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SERVER]), params=['utf-8', 'utf-16', 'utf-32'])
async def client(lsp_client: LanguageClient, request):
    result = await lsp_client.initialize_session(InitializeParams(capabilities=capabilities(request.param)))
    lsp_client.encoding = str(result.capabilities.position_encoding)
    yield
    await lsp_client.shutdown_session()


def units(s, enc):
    if enc == 'utf-8':
        return len(s.encode('utf-8'))
    if enc == 'utf-16':
        return len(s.encode('utf-16-le')) // 2
    return len(s)
