//! Reading `content/`: which file is a section, a post or an asset, the
//! sections' tree, and the posts filed and sorted in it.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{CONTENT, LoadOptions, post};
use crate::config::Config;
use crate::content::front_matter::{self, SectionFrontMatter, SortBy};
use crate::content::{Post, Section};
use crate::diagnostic::Diagnostic;
use crate::source::{is_hidden, read_text};

/// What a file under `content/` is.
enum Entry {
    Section(PathBuf),
    Post(PathBuf),
    /// A file published as-is at the same place under the output.
    Asset(PathBuf),
    /// A file beside an `index.md` post: (the post's folder, the file).
    BundleAsset(PathBuf, PathBuf),
}

pub(super) type Content = (Vec<Section>, Vec<Post>, Vec<(PathBuf, String)>);

/// Reads `content/`: its sections (each linked to its parent), its posts
/// (filed and sorted in their sections) and the files published as they are.
pub(super) fn load(
    root: &Path,
    config: &Config,
    options: &LoadOptions,
) -> Result<Content, Vec<Diagnostic>> {
    let content = root.join(CONTENT);
    if !content.is_dir() {
        return Err(vec![
            Diagnostic::error(
                "content/missing",
                format!("no `{CONTENT}/` folder in {}", root.display()),
            )
            .with_help("put posts in content/, e.g. content/blog/first-post.md"),
        ]);
    }
    let (entries, mut problems) = walk_content(root, config);
    let mut sections = read_sections(root, &entries, config, options, &mut problems);
    let posts = read_posts(root, &entries, &sections, config, options, &mut problems);
    let content_files = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Asset(file) if !sections.in_draft(file) => {
                Some((root.join(file), output_path_of(file)))
            }
            _ => None,
        })
        .collect();
    let mut sections = std::mem::take(&mut sections.list);
    // A withdrawn post is listed nowhere; its page is still written, with its notice.
    for (i, post) in posts.iter().enumerate() {
        if !post.front.is_withdrawn() {
            sections[post.section].posts.push(i);
        }
    }
    for section in &mut sections {
        sort_posts(&mut section.posts, &posts, section.front.sort_by);
    }
    problems.extend(duplicate_paths(&sections, &posts));
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    Ok((sections, posts, content_files))
}

/// The sections read so far, and where each folder's is.
struct Sections {
    list: Vec<Section>,
    /// A folder's section in a language's tree, by the folder and the language.
    index: HashMap<(PathBuf, String), usize>,
    /// The folders of draft sections: nothing in them is published.
    drafts: Vec<PathBuf>,
}

impl Sections {
    /// The section a file in `dir` of language `tree` belongs to: the
    /// nearest folder up that has one in that language, else its home page.
    fn holding(&self, dir: &Path, tree: &str) -> usize {
        dir.ancestors()
            .find_map(|a| {
                self.index
                    .get(&(a.to_path_buf(), tree.to_string()))
                    .copied()
            })
            .unwrap_or(0)
    }

    fn in_draft(&self, file: &Path) -> bool {
        self.drafts.iter().any(|d| file.starts_with(d))
    }
}

/// A folder of `content/` in one language's tree.
type SectionKey = (PathBuf, String);

/// Where a section comes in the list: the main language's tree first (its
/// home is section 0, `Site::home`), then each further language's; in a
/// tree, each folder after its ancestors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SectionOrder {
    translated: bool,
    tree: String,
    dir: PathBuf,
}

impl SectionOrder {
    fn new(dir: PathBuf, tree: String, config: &Config) -> SectionOrder {
        SectionOrder {
            translated: tree != config.language,
            tree,
            dir,
        }
    }
}

/// The folders that are sections, in each language: the content root,
/// every folder with an `_index.md` (`_index.es.md`), and every folder that
/// holds posts directly; each with its `_index` file, if any. A language
/// with any file has its own home (`/es/`).
fn section_dirs(entries: &[Entry], config: &Config) -> BTreeMap<SectionOrder, Option<PathBuf>> {
    let mut section_dirs: BTreeMap<SectionOrder, Option<PathBuf>> = BTreeMap::new();
    let root = PathBuf::from(CONTENT);
    let key = |dir: PathBuf, tree: String| SectionOrder::new(dir, tree, config);
    section_dirs.insert(key(root.clone(), config.language.clone()), None);
    for entry in entries {
        match entry {
            Entry::Section(file) => {
                let dir = file.parent().unwrap().to_path_buf();
                section_dirs.insert(key(dir, tree_of(file, config)), Some(file.clone()));
            }
            Entry::Post(file) => {
                let tree = tree_of(file, config);
                if !is_bundle(file) {
                    let dir = file.parent().unwrap().to_path_buf();
                    section_dirs.entry(key(dir, tree.clone())).or_insert(None);
                }
                section_dirs.entry(key(root.clone(), tree)).or_insert(None);
            }
            _ => {}
        }
    }
    section_dirs
}

/// The language of a file named like `bp.es.md` or `_index.es.md`, when
/// that is one of the site's further languages.
pub(super) fn language_suffix(file: &Path, config: &Config) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    let (_, lang) = name.strip_suffix(".md")?.rsplit_once('.')?;
    config
        .is_translation_language(lang)
        .then(|| lang.to_string())
}

/// The language tree a file is in: its suffix's language, else the main one.
pub(super) fn tree_of(file: &Path, config: &Config) -> String {
    language_suffix(file, config).unwrap_or_else(|| config.language.clone())
}

/// A file's name with its language suffix taken away: `bp.es.md` → `bp.md`.
fn without_language(file: &Path, config: &Config) -> String {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    match language_suffix(file, config) {
        Some(lang) => name.replace(&format!(".{lang}.md"), ".md"),
        None => name.into_owned(),
    }
}

/// Reads every section in parallel, then links each to its parent.
fn read_sections(
    root: &Path,
    entries: &[Entry],
    config: &Config,
    options: &LoadOptions,
    problems: &mut Vec<Diagnostic>,
) -> Sections {
    let section_dirs = section_dirs(entries, config);
    let section_results: Vec<_> = section_dirs
        .par_iter()
        .map(|(key, file)| read_section(root, &key.dir, file.as_deref(), config, &key.tree))
        .collect();
    let mut sections = Sections {
        list: Vec::new(),
        index: HashMap::new(),
        drafts: Vec::new(),
    };
    for ((key, _), result) in section_dirs.iter().zip(section_results) {
        match result {
            Ok(section) => {
                if section.front.draft && !options.drafts {
                    sections.drafts.push(key.dir.clone());
                }
                let at = (key.dir.clone(), key.tree.clone());
                sections.index.insert(at, sections.list.len());
                sections.list.push(section);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    translations_without_index(&mut sections, config, problems);
    link_parents(&mut sections.list, &sections.index);
    sections
}

/// A folder with translated posts but no `_index.es.md` takes its settings
/// and title from the main language's `_index.md`, which is in that
/// language: a warning says so.
fn translations_without_index(
    sections: &mut Sections,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) {
    for ((dir, tree), &i) in &sections.index {
        if *tree == config.language || sections.list[i].file != *dir {
            continue;
        }
        let main = sections.index.get(&(dir.clone(), config.language.clone()));
        let Some(&main) = main else { continue };
        if sections.list[main].file == *dir || sections.list[i].is_home() {
            continue;
        }
        let (front, title) = (
            sections.list[main].front.clone(),
            sections.list[main].title.clone(),
        );
        let file = dir.join(format!("_index.{tree}.md"));
        problems.push(
            Diagnostic::warning(
                "translation/section",
                format!(
                    "{} has posts in `{tree}` but no {}: its list is titled \"{title}\", from {}",
                    dir.display(),
                    file.display(),
                    sections.list[main].file.display()
                ),
            )
            .in_file(&sections.list[main].file)
            .with_help(format!(
                "add {} with the title in that language, e.g. +++ title = \"…\" +++",
                file.display()
            )),
        );
        let section = &mut sections.list[i];
        section.front = front;
        section.title = title;
        section.front.lang = None;
    }
}

/// Each section's parent, its subsections, and the language it inherits.
fn link_parents(sections: &mut [Section], index: &HashMap<SectionKey, usize>) {
    // BTreeMap order put each folder after its ancestors.
    for i in 0..sections.len() {
        let dir = section_dir(&sections[i]);
        let tree = sections[i].tree.clone();
        let parent = dir
            .ancestors()
            .skip(1)
            .find_map(|a| index.get(&(a.to_path_buf(), tree.clone())).copied());
        sections[i].parent = parent;
        if let Some(p) = parent {
            sections[p].subsections.push(i);
            if sections[i].front.lang.is_none() {
                sections[i].lang = sections[p].lang.clone();
            }
        }
    }
}

/// Reads every post outside draft sections in parallel; drafts are left
/// out unless asked for, and a bundle's post gets its files.
fn read_posts(
    root: &Path,
    entries: &[Entry],
    sections: &Sections,
    config: &Config,
    options: &LoadOptions,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Post> {
    let post_files: Vec<&PathBuf> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Post(f) => Some(f),
            _ => None,
        })
        .filter(|f| !sections.in_draft(f))
        .collect();
    let post_results: Vec<_> = post_files
        .par_iter()
        .map(|file| {
            let dir = if is_bundle(file) {
                file.parent().unwrap().parent().unwrap()
            } else {
                file.parent().unwrap()
            };
            let section = sections.holding(dir, &tree_of(file, config));
            post::read(root, file, section, &sections.list[section])
        })
        .collect();
    let mut posts = Vec::new();
    for result in post_results {
        match result {
            Ok(post) if post.front.draft && !options.drafts => {}
            Ok(mut post) => {
                if is_bundle(&post.file) {
                    post.assets = bundle_assets(entries, post.file.parent().unwrap());
                }
                posts.push(post);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    posts
}

/// The files of the bundle in `dir`.
fn bundle_assets(entries: &[Entry], dir: &Path) -> Vec<PathBuf> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::BundleAsset(bundle, file) if bundle == dir => Some(file.clone()),
            _ => None,
        })
        .collect()
}

fn walk_content(root: &Path, config: &Config) -> (Vec<Entry>, Vec<Diagnostic>) {
    let walk = crate::site_path::walk(root, Path::new(CONTENT), is_hidden);
    let files = walk.files;
    let mut problems: Vec<Diagnostic> = walk
        .links_out
        .iter()
        .map(|link| crate::site_path::link_outside(link))
        .collect();
    for e in walk.errors {
        let mut d = Diagnostic::error("content/unreadable", format!("cannot read: {e}"))
            .with_help("check the folder's permissions");
        d.file = e
            .path()
            .and_then(|p| p.strip_prefix(root).ok())
            .map(Path::to_path_buf);
        problems.push(d);
    }
    // A folder with an `index.md` is one post; everything below it is its assets.
    let bundles: Vec<PathBuf> = files
        .iter()
        .filter(|f| is_bundle(f) && f.parent() != Some(Path::new(CONTENT)))
        .map(|f| f.parent().unwrap().to_path_buf())
        .collect();
    let bundle_of = |f: &Path| {
        let own_post = is_bundle(f) && bundles.iter().any(|b| f.parent() == Some(b.as_path()));
        (!own_post)
            .then(|| bundles.iter().find(|b| f.starts_with(b)).cloned())
            .flatten()
    };
    let mut entries = Vec::new();
    for rel in files {
        let name = without_language(&rel, config);
        let markdown = name.ends_with(".md");
        if markdown {
            problems.extend(unknown_language(&rel, config));
        }
        match bundle_of(&rel) {
            _ if name == "_index.md" => entries.push(Entry::Section(rel)),
            None if markdown => entries.push(Entry::Post(rel)),
            None => entries.push(Entry::Asset(rel)),
            Some(_) if markdown => problems.push(
                Diagnostic::warning(
                    "content/nested-post",
                    "a markdown file inside a post's folder is not published",
                )
                .in_file(rel)
                .with_help(
                    "move it next to the folder, or rename it to `index.md` in a folder of its own",
                ),
            ),
            Some(bundle) => entries.push(Entry::BundleAsset(bundle, rel)),
        }
    }
    (entries, problems)
}

/// A post that is a folder: its `index.md`, or a translation such as `index.es.md`.
pub(super) fn is_bundle(file: &Path) -> bool {
    let Some(name) = file.file_name().and_then(OsStr::to_str) else {
        return false;
    };
    name == "index.md"
        || name
            .strip_prefix("index.")
            .and_then(|n| n.strip_suffix(".md"))
            .is_some_and(|lang| !lang.is_empty() && !lang.contains('.'))
}

/// A name like `bp.fr.md` where `fr` looks like a language the site does
/// not list: published as an English post `bp.fr`, which is rarely meant.
fn unknown_language(file: &Path, config: &Config) -> Option<Diagnostic> {
    let name = file.file_name()?.to_str()?;
    let (_, lang) = name.strip_suffix(".md")?.rsplit_once('.')?;
    let looks_like_one = lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase());
    if !looks_like_one || lang == config.language || config.languages.contains_key(lang) {
        return None;
    }
    Some(
        Diagnostic::warning(
            "translation/language",
            format!("`{lang}` in {name} is not one of the site's languages, so it is published as a post of its own"),
        )
        .in_file(file)
        .with_help(format!(
            "to make it the `{lang}` translation, add [languages.{lang}] to config.toml; otherwise rename the file"
        )),
    )
}

fn section_dir(section: &Section) -> PathBuf {
    let name = section
        .file
        .file_name()
        .and_then(OsStr::to_str)
        .unwrap_or_default();
    if name.starts_with("_index") && name.ends_with(".md") {
        section.file.parent().unwrap().to_path_buf()
    } else {
        section.file.clone()
    }
}

pub(super) fn output_path_of(file: &Path) -> String {
    file.strip_prefix(CONTENT)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn url_of_dir(dir: &Path) -> String {
    let rel = dir.strip_prefix(CONTENT).unwrap_or(dir);
    let mut path = String::from("/");
    for part in rel.components() {
        path.push_str(&slug::slugify(part.as_os_str().to_string_lossy()));
        path.push('/');
    }
    path
}

fn read_section(
    root: &Path,
    dir: &Path,
    file: Option<&Path>,
    config: &Config,
    tree: &str,
) -> Result<Section, Vec<Diagnostic>> {
    let path = format!("{}{}", config.tree_prefix(tree), url_of_dir(dir));
    let index_name = if tree == config.language {
        "_index.md".to_string()
    } else {
        format!("_index.{tree}.md")
    };
    let content_path = output_path_of(&dir.join(index_name));
    let is_root = dir == Path::new(CONTENT);
    let default_title = || {
        if is_root {
            config.title_in(tree).to_string()
        } else {
            title_from_name(&dir.file_name().unwrap_or_default().to_string_lossy())
        }
    };
    let Some(file) = file else {
        return Ok(Section {
            file: dir.to_path_buf(),
            source: String::new(),
            body_offset: 0,
            front: SectionFrontMatter::default(),
            title: default_title(),
            path,
            content_path,
            parent: None,
            subsections: Vec::new(),
            posts: Vec::new(),
            lang: tree.to_string(),
            tree: tree.to_string(),
        });
    };
    let source = read_text(root, file).map_err(|d| vec![d])?;
    let (front, body_offset) = if source.trim().is_empty() {
        (SectionFrontMatter::default(), source.len())
    } else {
        let (front, split) = front_matter::parse::<SectionFrontMatter>(&source, file)?;
        (front, split.body_offset)
    };
    Ok(Section {
        file: file.to_path_buf(),
        title: front.title.clone().unwrap_or_else(default_title),
        lang: front.lang.clone().unwrap_or_else(|| tree.to_string()),
        tree: tree.to_string(),
        front,
        source,
        body_offset,
        path,
        content_path,
        parent: None,
        subsections: Vec::new(),
        posts: Vec::new(),
    })
}

fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub(super) fn sort_posts(indices: &mut [usize], posts: &[Post], by: SortBy) {
    let title = |i: &usize| posts[*i].front.title.to_lowercase();
    match by {
        SortBy::Date => indices.sort_by(|a, b| {
            posts[*b]
                .date
                .cmp(&posts[*a].date)
                .then_with(|| title(a).cmp(&title(b)))
        }),
        SortBy::Title => indices.sort_by_cached_key(title),
        SortBy::Weight => {
            indices.sort_by_key(|i| (posts[*i].front.weight.unwrap_or(i64::MAX), title(i)))
        }
        SortBy::None => {}
    }
}

/// Two things published at one URL: the later would silently replace the
/// earlier. A clashing alias is reported at its own line.
fn duplicate_paths(sections: &[Section], posts: &[Post]) -> Vec<Diagnostic> {
    // Which file claimed an address first, and whether through an alias.
    let mut owners: HashMap<String, (&Path, bool)> = HashMap::new();
    let mut problems = Vec::new();
    let pages = sections
        .iter()
        .map(|s| (s.path.clone(), s.file.as_path(), None))
        .chain(
            posts
                .iter()
                .map(|p| (p.path.clone(), p.file.as_path(), None)),
        );
    let aliases = posts.iter().flat_map(|p| {
        p.front
            .aliases
            .iter()
            .map(move |a| (normalize_path(a), p.file.as_path(), Some((p, a.as_str()))))
    });
    for (path, file, alias) in pages.chain(aliases) {
        let Some((first, first_is_alias)) = owners.insert(path.clone(), (file, alias.is_some()))
        else {
            continue;
        };
        if first == file {
            continue;
        }
        let problem = match alias {
            Some((post, alias)) => {
                let what = if first_is_alias {
                    "an old address of"
                } else {
                    "the address of"
                };
                Diagnostic::error(
                    "content/duplicate-path",
                    format!("alias `{alias}` is {what} {}", first.display()),
                )
                .in_file(file)
                .at_opt(post::value_position(post, &["aliases"], alias))
                .spanning(alias.chars().count())
                .with_help("remove the alias, or point it at an address no other page uses")
            }
            None => Diagnostic::error(
                "content/duplicate-path",
                format!("{} is also published at {path}", first.display()),
            )
            .in_file(file)
            .with_help(
                "give one of them a different `slug` (or file name), or remove the clashing alias",
            ),
        };
        problems.push(problem);
    }
    problems
}

/// `/a/b` and `/a/b/index.html` both mean `/a/b/`.
pub fn normalize_path(path: &str) -> String {
    let path = path.trim().trim_end_matches("index.html");
    let mut out = String::from("/");
    for part in path.split('/').filter(|p| !p.is_empty()) {
        out.push_str(part);
        out.push('/');
    }
    if path.ends_with(".html") || path.ends_with(".xml") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("/old/post"), "/old/post/");
        assert_eq!(normalize_path("/old/post/index.html"), "/old/post/");
        assert_eq!(normalize_path("/old.html"), "/old.html");
    }

    #[test]
    fn folder_names_become_titles() {
        assert_eq!(title_from_name("for-physicians"), "For physicians");
    }
}
