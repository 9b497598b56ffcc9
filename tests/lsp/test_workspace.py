"""The workspace index over real stdio: progress while indexing, pulled
workspace diagnostics with result ids, workspace symbols in every position
encoding, watched files, and no diagnostics pushed for closed files."""
import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol.types import (ClientCapabilities, DidChangeWorkspaceFoldersParams, WorkspaceFoldersChangeEvent, CodeActionContext, CodeActionParams, DiagnosticClientCapabilities,
                              DidChangeTextDocumentParams, DidCloseTextDocumentParams, TextDocumentIdentifier,
                              DidChangeWatchedFilesClientCapabilities, DidChangeWatchedFilesParams,
                              DidOpenTextDocumentParams, FileChangeType, FileEvent, GeneralClientCapabilities,
                              InitializeParams, PositionEncodingKind, PreviousResultId,
                              TextDocumentClientCapabilities, TextDocumentContentChangeWholeDocument,
                              TextDocumentItem, VersionedTextDocumentIdentifier, WindowClientCapabilities,
                              WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport,
                              WorkspaceClientCapabilities, WorkspaceDiagnosticParams, WorkspaceFolder,
                              WorkspaceSymbolParams)
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import SERVER, units

# Four documents annotate 位置信息 as data, three 合作伙伴 as an actor; the
# last leaves 位置信息 unannotated and makes 合作伙伴 a data item.
CORPUS = {
    'a.policy': '(我们)[收集]您的<位置信息>和<手机号码>\n',
    'b.policy': '(合作伙伴)[使用]<位置信息>\n',
    'c.policy': '(合作伙伴)[共享]<位置信息>{用于导航}\n',
    'd.policy': '(合作伙伴)[存储]<位置信息>\n',
    'sub/e.policy': '我们会收集位置信息。\r\n😀𠮷<身份证号码>与<合作伙伴>\n',
    # Skipped as ripgrep skips them.
    'node_modules/x.policy': '<位置信息>\n',
    '.hidden/y.policy': '<位置信息>\n',
}
INDEXED = ['a.policy', 'b.policy', 'c.policy', 'd.policy', 'sub/e.policy']


def make_corpus(root: pathlib.Path):
    for name, text in CORPUS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode('utf-8'))


def caps(encoding, pull=False):
    return ClientCapabilities(
        general=GeneralClientCapabilities(position_encodings=[PositionEncodingKind(encoding)]),
        window=WindowClientCapabilities(work_done_progress=True),
        workspace=WorkspaceClientCapabilities(
            did_change_watched_files=DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)),
        text_document=TextDocumentClientCapabilities(diagnostic=DiagnosticClientCapabilities()) if pull else None,
    )


async def start(client: LanguageClient, root: pathlib.Path, encoding='utf-16', pull=False, lints=None,
                root_uri_only=False):
    make_corpus(root)
    options = {'pullDiagnostics': pull}
    if lints:
        options['lints'] = lints
    folders = dict(root_uri=root.as_uri()) if root_uri_only else dict(
        workspace_folders=[WorkspaceFolder(uri=root.as_uri(), name='corpus')])
    result = await client.initialize_session(InitializeParams(
        capabilities=caps(encoding, pull), initialization_options=options, **folders))
    client.encoding = str(result.capabilities.position_encoding)
    await indexed(client)
    return result


async def indexed(client: LanguageClient):
    """Waits for the end of the indexing progress; returns its reports."""
    for _ in range(400):
        for reports in client.progress_reports.values():
            if reports and isinstance(reports[-1], WorkDoneProgressEnd):
                return reports
        await asyncio.sleep(0.025)
    raise AssertionError(f'indexing never ended: {client.progress_reports}')


async def eventually(check, what):
    for _ in range(200):
        got = await check()
        if got:
            return got
        await asyncio.sleep(0.05)
    raise AssertionError(what)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SERVER]))
async def client(lsp_client: LanguageClient):
    lsp_client.registrations = []

    @lsp_client.feature('client/registerCapability')
    def register(params):
        lsp_client.registrations.extend(params.registrations)

    yield
    await lsp_client.shutdown_session()


async def symbols(client, query):
    return await client.workspace_symbol_async(WorkspaceSymbolParams(query=query)) or []


def rel(root, uri):
    return pathlib.Path(uri.removeprefix('file://')).relative_to(root).as_posix()


async def test_progress_begins_reports_monotone_percentages_and_ends(client: LanguageClient, tmp_path):
    # One more file, which is not UTF-8: found, counted, not indexed.
    (tmp_path / 'latin1.policy').write_bytes('<caf\xe9>'.encode('latin-1'))
    found = len(INDEXED) + 1
    await start(client, tmp_path)
    reports = await indexed(client)
    assert isinstance(reports[0], WorkDoneProgressBegin)
    assert isinstance(reports[-1], WorkDoneProgressEnd)
    middle = [r for r in reports if isinstance(r, WorkDoneProgressReport)]
    assert middle, reports
    percentages = [r.percentage for r in middle if r.percentage is not None]
    assert percentages == sorted(percentages) and percentages[-1] == 100
    assert middle[0].message == f'0 of {found} files'
    assert middle[-1].message == f'{found} of {found} files'
    assert all(r.message.endswith(f'of {found} files') for r in middle)
    assert reports[-1].message == f'{len(INDEXED)} policies indexed (1 could not be read: see the log)'
    assert any('latin1.policy: not UTF-8' in m.message for m in client.log_messages)


async def test_workspace_diagnostics_answer_every_indexed_document_and_then_unchanged(
        client: LanguageClient, tmp_path):
    result = await start(client, tmp_path, pull=True, lints=['corpus'])
    assert result.capabilities.diagnostic_provider.workspace_diagnostics is True
    report = await client.workspace_diagnostic_async(WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_doc = {rel(tmp_path, item.uri): item for item in report.items}
    assert sorted(by_doc) == INDEXED
    e = by_doc['sub/e.policy']
    assert e.kind == 'full'
    found = {(d.code, d.message, d.range.start.line, d.range.start.character) for d in e.items}
    assert ('corpus-unannotated', '`位置信息` is not annotated here, but is annotated as <data> in 4 other documents',
            0, units('我们会收集', client.encoding)) in found
    assert any(code == 'corpus-kind-mismatch' and 'as (actor) in 3 of the 3 other documents' in message
               for code, message, _, _ in found), found
    assert all(item.kind == 'full' and item.result_id for item in report.items)
    again = await client.workspace_diagnostic_async(WorkspaceDiagnosticParams(previous_result_ids=[
        PreviousResultId(uri=item.uri, value=item.result_id) for item in report.items]))
    assert sorted(rel(tmp_path, i.uri) for i in again.items) == INDEXED
    assert {i.kind for i in again.items} == {'unchanged'}

    # The quick fix of corpus-unannotated wraps the term in < >.
    [unannotated] = [d for d in e.items if d.code == 'corpus-unannotated']
    actions = await client.text_document_code_action_async(CodeActionParams(
        text_document=TextDocumentIdentifier(uri=e.uri), range=unannotated.range,
        context=CodeActionContext(diagnostics=[unannotated])))
    [fix] = [a for a in actions if a.title.startswith('Annotate `位置信息` as <data>')]
    edits = fix.edit.changes[e.uri]
    assert [(x.range.start, x.range.end, x.new_text) for x in edits] == [
        (unannotated.range.start, unannotated.range.start, '<'), (unannotated.range.end, unannotated.range.end, '>')]


async def test_without_the_corpus_preset_no_corpus_findings(client: LanguageClient, tmp_path):
    await start(client, tmp_path, pull=True)
    report = await client.workspace_diagnostic_async(WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert len(report.items) == len(INDEXED)
    assert [d for item in report.items for d in item.items] == []


@pytest.mark.parametrize('encoding', ['utf-8', 'utf-16', 'utf-32'])
async def test_workspace_symbols_by_text_category_kind_and_sensitivity(client: LanguageClient, tmp_path, encoding):
    await start(client, tmp_path, encoding=encoding)
    enc = client.encoding
    assert enc == encoding

    def names(found):
        return sorted((rel(tmp_path, s.location.uri), s.name) for s in found)

    assert names(await symbols(client, '位置')) == [(f, '位置信息') for f in ['a.policy', 'b.policy', 'c.policy',
                                                                            'd.policy']]
    by_category = names(await symbols(client, 'data:location'))
    assert by_category == names(await symbols(client, 'data:个人位置'))
    assert [n for _, n in by_category] == ['位置信息'] * 4
    assert names(await symbols(client, 'actor:')) == [('a.policy', '我们'), ('b.policy', '合作伙伴'),
                                                      ('c.policy', '合作伙伴'), ('d.policy', '合作伙伴')]
    assert names(await symbols(client, 'action:共享')) == [('c.policy', '共享')]
    assert names(await symbols(client, 'purpose:')) == [('c.policy', '用于导航')]
    sensitive = await symbols(client, 'sensitive:')
    assert names(sensitive) == [('sub/e.policy', '身份证号码')]
    assert names(await symbols(client, 'sensitive:手机')) == []
    # The position after 😀𠮷 (astral: 4 bytes, 2 UTF-16 units, 1 char each) on a line after \r\n.
    r = sensitive[0].location.range
    assert (r.start.line, r.start.character) == (1, units('😀𠮷', enc))
    assert (r.end.line, r.end.character) == (1, units('😀𠮷<身份证号码>', enc))


async def test_watched_files_and_open_documents_update_the_index(client: LanguageClient, tmp_path):
    await start(client, tmp_path)

    async def registered():
        return client.registrations

    await eventually(registered, 'watchers are registered')
    watched = [w['globPattern'] for r in client.registrations for w in r.register_options['watchers']]
    assert '**/*.policy' in watched
    new = tmp_path / 'sub' / 'new.policy'
    new.write_text('<新词条>\n', encoding='utf-8')
    client.workspace_did_change_watched_files(DidChangeWatchedFilesParams(
        changes=[FileEvent(uri=new.as_uri(), type=FileChangeType.Created)]))
    await eventually(lambda: symbols(client, '新词条'), 'a created file is indexed')
    new.write_text('<别的词条>\n', encoding='utf-8')
    client.workspace_did_change_watched_files(DidChangeWatchedFilesParams(
        changes=[FileEvent(uri=new.as_uri(), type=FileChangeType.Changed)]))
    await eventually(lambda: symbols(client, '别的词条'), 'a changed file is read again')
    assert await symbols(client, '新词条') == []
    new.unlink()

    async def gone():
        return await symbols(client, '别的词条') == []

    client.workspace_did_change_watched_files(DidChangeWatchedFilesParams(
        changes=[FileEvent(uri=new.as_uri(), type=FileChangeType.Deleted)]))
    await eventually(gone, 'a deleted file leaves the index')

    # An open document's entry follows the editor's text, not the disk's.
    uri = (tmp_path / 'a.policy').as_uri()
    client.text_document_did_open(DidOpenTextDocumentParams(
        TextDocumentItem(uri=uri, language_id='policy', version=1, text='<开放词条>\n')))
    await eventually(lambda: symbols(client, '开放词条'), 'an open document is indexed from its text')
    assert [rel(tmp_path, s.location.uri) for s in await symbols(client, 'actor:我们')] == []
    client.text_document_did_change(DidChangeTextDocumentParams(
        text_document=VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[TextDocumentContentChangeWholeDocument(text='(编辑后)\n')]))
    await eventually(lambda: symbols(client, '编辑后'), 'an edit reaches the index')
    assert await symbols(client, '开放词条') == []
    # Closed unsaved: the disk's text again.
    client.text_document_did_close(DidCloseTextDocumentParams(text_document=TextDocumentIdentifier(uri=uri)))
    await eventually(lambda: symbols(client, 'actor:我们'), 'a closed document is read from disk again')
    assert await symbols(client, '编辑后') == []


async def test_workspace_folders_added_and_removed_follow_the_index(client: LanguageClient, tmp_path):
    first = tmp_path / 'first'
    await start(client, first)
    second = tmp_path / 'second'
    second.mkdir()
    (second / 'z.policy').write_text('(😀第二个文件夹)[收集]<银行卡号>\n', encoding='utf-8')
    client.workspace_did_change_workspace_folders(DidChangeWorkspaceFoldersParams(
        event=WorkspaceFoldersChangeEvent(added=[WorkspaceFolder(uri=second.as_uri(), name='second')],
                                          removed=[])))
    found = await eventually(lambda: symbols(client, '第二个文件夹'), 'an added folder is indexed')
    assert [rel(tmp_path, s.location.uri) for s in found] == ['second/z.policy']
    assert await symbols(client, 'actor:合作伙伴'), 'the first folder is still indexed'

    async def first_gone():
        return await symbols(client, 'actor:合作伙伴') == []

    client.workspace_did_change_workspace_folders(DidChangeWorkspaceFoldersParams(
        event=WorkspaceFoldersChangeEvent(added=[],
                                          removed=[WorkspaceFolder(uri=first.as_uri(), name='corpus')])))
    await eventually(first_gone, 'a removed folder leaves the index')
    assert [rel(tmp_path, s.location.uri) for s in await symbols(client, '银行卡号')] == ['second/z.policy']


async def test_a_root_uri_alone_is_indexed_and_a_fifo_never_blocks_it(client: LanguageClient, tmp_path):
    # Reading a FIFO would wait for a writer forever: it is not a file to index.
    os.mkfifo(tmp_path / 'pipe.policy')
    (tmp_path / 'link.policy').symlink_to(tmp_path / 'pipe.policy')
    await start(client, tmp_path, root_uri_only=True)
    assert (await indexed(client))[-1].message == f'{len(INDEXED)} policies indexed'
    assert len(await symbols(client, '位置信息')) == 4


async def test_closed_files_get_no_pushed_diagnostics(client: LanguageClient, tmp_path):
    # Every file has a diagnostic with the corpus checks on; the client does
    # not pull, so only the open document may be published.
    (tmp_path / 'broken.policy').write_text('<未闭合\n', encoding='utf-8')
    await start(client, tmp_path, lints=['corpus'])
    uri = (tmp_path / 'sub' / 'e.policy').as_uri()
    client.text_document_did_open(DidOpenTextDocumentParams(
        TextDocumentItem(uri=uri, language_id='policy', version=1, text=CORPUS['sub/e.policy'])))
    client.text_document_did_change(DidChangeTextDocumentParams(
        text_document=VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[TextDocumentContentChangeWholeDocument(text=CORPUS['sub/e.policy'] + '\n')]))

    async def published():
        return [d.code for d in client.diagnostics.get(uri, [])]

    codes = await eventually(published, 'the open document is published')
    assert 'corpus-unannotated' in codes
    assert list(client.diagnostics) == [uri]
