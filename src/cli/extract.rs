//! The CLI side of the extractor: `claimgraph extract`, `claimgraph extract --score` and
//! `claimgraph import --extract`. Arguments in, library calls, files and messages out.
//!
//! The entity dictionary is the store's entities; when there is no store yet (or it
//! holds no entities) `extract` uses the reference entities bundled with the binary
//! (`data/entities.toml`) and says so. `--entities SHEET` adds a reference sheet's
//! entities. `import --extract` needs the entities in the store, since the draft refers
//! to them by id.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use claimgraph::extract::sheet_writer::TextSource;
use claimgraph::extract::{self, score, ArticleInfo, Dictionary, Extractor, Rules};
use claimgraph::model::sheet::Sheet;
use claimgraph::store::GraphStore;

use crate::ArticleArgs;

fn rules(args: &ArticleArgs) -> Result<Rules> {
    Ok(match &args.rules {
        Some(dir) => Rules::load_dir(dir)?,
        None => Rules::bundled(),
    })
}

/// The dictionary: the store's entities (else the bundled ones) plus `--entities` sheets.
fn dictionary(
    store: Option<&GraphStore>,
    args: &ArticleArgs,
    require_store: bool,
) -> Result<Dictionary> {
    let mut dict = match store {
        Some(s) => Dictionary::from_store(s)?,
        None => Dictionary::default(),
    };
    if dict.is_empty() {
        if require_store {
            bail!("the store holds no entities, and the draft must refer to known ones: import data/entities.toml (or data/) first");
        }
        eprintln!("note: the store holds no entities; matching against the bundled reference entities (data/entities.toml). Import them before importing the draft.");
        dict = Dictionary::bundled();
    }
    for path in &args.entities {
        let sheet = Sheet::read(path)?;
        dict.add_sheet(&sheet);
    }
    Ok(dict)
}

fn info(article: &Path, text: &[u8], args: &ArticleArgs) -> ArticleInfo {
    ArticleInfo {
        id: args
            .id
            .clone()
            .unwrap_or_else(|| extract::id_from_path(article)),
        language: args
            .lang
            .clone()
            .unwrap_or_else(|| extract::guess_language(&String::from_utf8_lossy(text)).to_owned()),
        title: args.title.clone(),
        url: args.url.clone(),
        publisher: args.publisher.clone(),
        date: args.date.clone(),
    }
}

fn draft_sheet(
    extractor: &Extractor,
    article: &Path,
    out: Option<&Path>,
    args: &ArticleArgs,
) -> Result<(String, extract::Draft)> {
    let bytes = std::fs::read(article).with_context(|| format!("reading {}", article.display()))?;
    let (text, draft) = extractor
        .draft_bytes(&bytes, info(article, &bytes, args))
        .with_context(|| format!("{}", article.display()))?;
    let relative = out.and_then(|o| relative_path(o, article));
    let source = match (&relative, text.len() == bytes.len()) {
        (Some(r), true) => TextSource::File(r),
        _ => TextSource::Inline,
    };
    Ok((extractor.sheet(&draft, &text, source), draft))
}

/// `claimgraph extract ARTICLE [--out FILE]`.
pub fn extract(
    store: Option<&GraphStore>,
    article: &Path,
    out: Option<&Path>,
    args: &ArticleArgs,
) -> Result<()> {
    let extractor = Extractor::new(dictionary(store, args, false)?, rules(args)?);
    let (sheet, draft) = draft_sheet(&extractor, article, out, args)?;
    match out {
        Some(path) => {
            std::fs::write(path, &sheet).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(sheet.as_bytes())?,
    }
    eprintln!(
        "drafted {} claim(s), {} document(s), {} proposed entit(ies) from {} sentence(s); review before importing",
        draft.claims.len(),
        draft.documents.len(),
        draft.candidates.iter().filter(|c| c.used).count(),
        draft.sentences
    );
    Ok(())
}

/// `claimgraph import --extract ARTICLE`: drafts, then imports the draft like any sheet.
pub fn import_extracted(
    store: &GraphStore,
    article: &Path,
    args: &ArticleArgs,
    more: &[PathBuf],
    import: &dyn Fn(&GraphStore, &[PathBuf]) -> Result<()>,
) -> Result<()> {
    if !more.is_empty() {
        import(store, more)?;
    }
    let extractor = Extractor::new(dictionary(Some(store), args, true)?, rules(args)?);
    let (sheet, draft) = draft_sheet(&extractor, article, None, args)?;
    // The importer reads files; the draft goes through a private folder, named after the
    // article so that messages say which draft they are about.
    let dir = std::env::temp_dir().join(format!("claimgraph-extract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{}.draft.toml", draft.article.id));
    std::fs::write(&path, sheet).with_context(|| format!("writing {}", path.display()))?;
    let result = import(store, &[path]);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "imported {} machine-drafted claim(s) from {}",
        draft.claims.len(),
        article.display()
    );
    result
}

/// `claimgraph extract --score SHEET|DIR...`: re-extracts each sheet's text and prints the
/// table. A folder stands for the sheets in it and in its subfolders, one table per folder
/// (a test set's `dev/` and `held-out/` halves are scored apart). With `explain`, each
/// article's drafts are listed first, right or wrong, with what they missed.
pub fn score(
    store: Option<&GraphStore>,
    sheets: &[PathBuf],
    args: &ArticleArgs,
    explain: bool,
) -> Result<()> {
    let extractor = Extractor::new(dictionary(store, args, false)?, rules(args)?);
    let mut out = std::io::stdout().lock();
    let groups = score_groups(sheets)?;
    let mut scored = 0;
    for (name, paths) in &groups {
        let mut tallies = Vec::new();
        for path in paths {
            if let Some((sheet, text, draft)) = draft_of_sheet(&extractor, path)? {
                if explain {
                    score::explain(&sheet, &text, &draft, &mut out)?;
                }
                tallies.push(score::score_sheet(&sheet, &text, &draft));
            }
        }
        if tallies.is_empty() {
            continue;
        }
        scored += tallies.len();
        if groups.len() > 1 {
            writeln!(out, "== {name} ({} articles) ==", tallies.len())?;
        }
        score::write_table(&tallies, &mut out)?;
        if groups.len() > 1 {
            writeln!(out)?;
        }
    }
    if scored == 0 {
        bail!("no article sheets to score among the files given");
    }
    Ok(())
}

/// The sheets to score, grouped: files given by name form one group; each folder given
/// (or found below one) with sheets in it is a group named by its path.
fn score_groups(paths: &[PathBuf]) -> Result<Vec<(String, Vec<PathBuf>)>> {
    let mut files = Vec::new();
    let mut groups = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_sheet_folders(p, &mut groups)?;
        } else {
            files.push(p.clone());
        }
    }
    if !files.is_empty() {
        groups.insert(0, ("sheets".to_owned(), files));
    }
    Ok(groups)
}

fn collect_sheet_folders(dir: &Path, groups: &mut Vec<(String, Vec<PathBuf>)>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let sheets: Vec<PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .cloned()
        .collect();
    if !sheets.is_empty() {
        groups.push((dir.display().to_string(), sheets));
    }
    for sub in entries.iter().filter(|p| p.is_dir()) {
        collect_sheet_folders(sub, groups)?;
    }
    Ok(())
}

/// A hand-made sheet, its text and the draft of that text, or None for a reference sheet
/// (it has nothing to score).
fn draft_of_sheet(
    extractor: &Extractor,
    path: &Path,
) -> Result<Option<(Sheet, String, extract::Draft)>> {
    let sheet = Sheet::read(path)?;
    let Some(meta) = &sheet.article else {
        return Ok(None);
    };
    let text = score::sheet_text(&sheet)?;
    let info = ArticleInfo {
        id: meta.id.get_ref().clone(),
        language: meta.language.get_ref().clone(),
        publisher: meta.publisher.as_ref().map(|p| p.get_ref().clone()),
        ..ArticleInfo::default()
    };
    let draft = extractor
        .draft(&text, info)
        .with_context(|| path.display().to_string())?;
    Ok(Some((sheet, text, draft)))
}

/// `article` relative to the folder of `sheet`, when it lies in or below it.
fn relative_path(sheet: &Path, article: &Path) -> Option<String> {
    let dir = std::path::absolute(sheet).ok()?.parent()?.to_owned();
    let article = std::path::absolute(article).ok()?;
    let rel = article.strip_prefix(&dir).ok()?;
    rel.to_str().map(|s| s.replace('\\', "/"))
}
