//! `docs/language.md` says what policy-lsp reports for each of its examples;
//! this test reads the page and checks every example against the core, so
//! that the language reference cannot drift from the tool.
//!
//! The convention (described at the top of the page): a ```policy block,
//! then a list of lines starting with `- → `:
//!
//! * `→ no diagnostics`, or one `→ `code` (severity) at L:C–L:C` per
//!   diagnostic (1-based, columns in chars, end exclusive: the fields of
//!   `policy-lsp check --format json`). Lint codes are switched on for that
//!   block only, at their default level, as `check --lint CODE` does; a
//!   block claiming `no diagnostics` under a lint's heading
//!   (`### §7.N `code``) is checked with that lint on;
//! * `→ annotations: kind `value`, …` (or `none`);
//! * `→ hover on `<…>`: first line`;
//! * `→ quick fixes: “title” (preferred), “title”` for the block's one
//!   syntax diagnostic;
//! * `→ columns of `<…>`: UTF-8 a–b, UTF-16 c–d, UTF-32 e–f` (LSP columns of
//!   the opener and just after the closer).

use policy_core::analysis::Classes;
use policy_core::authoring::fixes::quick_fixes;
use policy_core::describe::describe;
use policy_core::diagnostics::{Diagnostic, document_diagnostics};
use policy_core::document::Document;
use policy_core::lints::{Lint, LintConfig};
use policy_core::position::PositionEncoding;
use policy_core::syntax::Annotation;
use policy_core::taxonomy::Taxonomy;

const SYNTAX_CODES: [&str; 5] = [
    "unclosed-annotation",
    "unmatched-closer",
    "mismatched-closer",
    "empty-annotation",
    "padded-annotation",
];

/// One ```policy block of the page and the `→` lines after it.
struct Example {
    /// The page's line number of the block's first text line (1-based).
    at: usize,
    text: String,
    claims: Vec<String>,
    /// The lint whose section (`### §7.N `code``) the block is in: a block
    /// there that claims no diagnostics is checked with it switched on.
    section: Option<Lint>,
}

fn examples(page: &str) -> Vec<Example> {
    let lines: Vec<&str> = page.lines().collect();
    let mut out = Vec::new();
    let mut section = None;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('#') {
            section = lines[i]
                .strip_prefix("### §7.")
                .and_then(quoted)
                .and_then(|(code, _)| Lint::from_code(code));
        }
        if lines[i].trim_end() != "```policy" {
            i += 1;
            continue;
        }
        let at = i + 2;
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && lines[i].trim_end() != "```" {
            body.push(lines[i]);
            i += 1;
        }
        i += 1;
        let mut claims = Vec::new();
        while i < lines.len() {
            let Some(claim) = lines[i].strip_prefix("- → ") else {
                break;
            };
            claims.push(claim.to_string());
            i += 1;
        }
        out.push(Example {
            at,
            text: body.join("\n"),
            claims,
            section,
        });
    }
    out
}

/// A diagnostic as the page writes it.
fn show(d: &Diagnostic) -> String {
    format!(
        "`{}` ({}) at {}:{}–{}:{}",
        d.code,
        d.severity.name(),
        d.line + 1,
        d.start.char + 1,
        d.line + 1,
        d.end.char + 1
    )
}

/// The annotation of `doc` written exactly as `written` (brackets included).
fn find(doc: &Document, written: &str) -> Option<(String, Annotation)> {
    doc.annotations().find_map(|(line, a)| {
        let text = doc.line_text(line)?;
        let raw = &text[a.open.byte as usize..a.end().byte as usize];
        (raw == written).then(|| (text.to_string(), *a))
    })
}

/// The text between the first pair of backticks of `s`, and what follows.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let (_, rest) = s.split_once('`')?;
    rest.split_once('`')
}

/// The differences between what the example claims and what the core says.
fn check(example: &Example, taxonomy: &Taxonomy) -> Vec<String> {
    let doc = Document::new(&example.text);
    let mut wrong = Vec::new();
    let mut claimed = Vec::new();
    let mut lints_named = Vec::new();
    let mut stated = false;
    for claim in &example.claims {
        if claim == "no diagnostics" {
            stated = true;
            // In a lint's section, "no diagnostics" means: not even with
            // that lint on.
            lints_named.extend(example.section);
        } else if claim.starts_with('`') {
            stated = true;
            let code = quoted(claim).map_or("", |(c, _)| c);
            if let Some(lint) = Lint::from_code(code) {
                lints_named.push(lint);
            } else if !SYNTAX_CODES.contains(&code) {
                wrong.push(format!("unknown code in `→ {claim}`"));
            }
            claimed.push(claim.clone());
        } else if let Some(list) = claim.strip_prefix("annotations: ") {
            let got: Vec<String> = doc
                .annotations()
                .map(|(line, a)| {
                    let text = doc.line_text(line).unwrap_or_default();
                    format!("{} `{}`", a.kind.name(), a.value(&text))
                })
                .collect();
            let got = if got.is_empty() {
                "none".to_string()
            } else {
                got.join(", ")
            };
            if got != list {
                wrong.push(format!("annotations: {got}"));
            }
        } else if let Some(rest) = claim.strip_prefix("hover on ") {
            let Some((written, first)) = quoted(rest) else {
                wrong.push(format!("cannot read `→ {claim}`"));
                continue;
            };
            let first = first.trim_start_matches(':').trim();
            match find(&doc, written) {
                None => wrong.push(format!("no annotation `{written}`")),
                Some((line, a)) => {
                    let hover = describe(a.kind, &a.value(&line), taxonomy, false);
                    let got = hover.lines().next().unwrap_or_default();
                    if got != first {
                        wrong.push(format!("hover on `{written}`: {got}"));
                    }
                }
            }
        } else if let Some(list) = claim.strip_prefix("quick fixes: ") {
            let syntax: Vec<_> = doc.diagnostics().collect();
            let [(line, d)] = syntax[..] else {
                wrong.push(format!(
                    "quick fixes need exactly one syntax diagnostic, found {}",
                    syntax.len()
                ));
                continue;
            };
            let text = doc.line_text(line).unwrap_or_default();
            let parse = doc.line_parse(line).expect("the diagnostic's line");
            let got: Vec<String> = quick_fixes(line, &text, parse, d)
                .iter()
                .map(|f| {
                    let preferred = if f.preferred { " (preferred)" } else { "" };
                    format!("“{}”{preferred}", f.title)
                })
                .collect();
            if got.join(", ") != list {
                wrong.push(format!("quick fixes: {}", got.join(", ")));
            }
        } else if let Some(rest) = claim.strip_prefix("columns of ") {
            let Some((written, columns)) = quoted(rest) else {
                wrong.push(format!("cannot read `→ {claim}`"));
                continue;
            };
            let columns = columns.trim_start_matches(':').trim();
            match find(&doc, written) {
                None => wrong.push(format!("no annotation `{written}`")),
                Some((_, a)) => {
                    use PositionEncoding::*;
                    let got: Vec<String> = [Utf8, Utf16, Utf32]
                        .iter()
                        .map(|&e| {
                            let name = e.as_str().to_uppercase();
                            format!("{name} {}–{}", a.open.column(e), a.end().column(e))
                        })
                        .collect();
                    if got.join(", ") != columns {
                        wrong.push(format!("columns of `{written}`: {}", got.join(", ")));
                    }
                }
            }
        } else {
            wrong.push(format!("cannot read `→ {claim}`"));
        }
    }
    if !stated {
        wrong.push("no `→ no diagnostics` or `→ `code` …` line".to_string());
    }

    // The syntax alone, as the editor shows it with no lint on…
    let syntax: Vec<String> = document_diagnostics(&doc, None).iter().map(show).collect();
    let claimed_syntax: Vec<String> = claimed
        .iter()
        .filter(|c| quoted(c).is_some_and(|(code, _)| SYNTAX_CODES.contains(&code)))
        .cloned()
        .collect();
    if syntax != claimed_syntax {
        wrong.push(format!("with no lint on: {syntax:?}"));
    }
    // …and with the lints the example names switched on.
    if !lints_named.is_empty() {
        let mut config = LintConfig::default();
        for lint in &lints_named {
            config.set(lint.code(), "on").expect("a lint code");
        }
        let classes = Classes::new(&doc, taxonomy);
        let all: Vec<String> = document_diagnostics(&doc, Some((&classes, &config)))
            .iter()
            .map(show)
            .collect();
        if all != claimed {
            wrong.push(format!("with those lints on: {all:?}"));
        }
    }
    wrong
}

#[test]
fn every_example_of_the_language_reference_says_what_the_tool_says() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let page = std::fs::read_to_string(&path).expect("docs/language.md is in the repository");
    let taxonomy = Taxonomy::builtin();
    let examples = examples(&page);
    let mut failures = Vec::new();
    for example in &examples {
        for w in check(example, &taxonomy) {
            failures.push(format!("docs/language.md:{}: {w}", example.at));
        }
    }
    assert!(
        failures.is_empty(),
        "the page and the tool disagree:\n{}",
        failures.join("\n")
    );

    // Every diagnostic code has an example that produces it.
    let codes = SYNTAX_CODES
        .iter()
        .copied()
        .chain(Lint::ALL.iter().map(|l| l.code()));
    for code in codes {
        let shown = examples.iter().any(|e| {
            e.claims
                .iter()
                .any(|c| quoted(c).is_some_and(|(q, _)| q == code) && c.starts_with('`'))
        });
        assert!(shown, "docs/language.md has no example of `{code}`");
    }
}
