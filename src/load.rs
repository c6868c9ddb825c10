//! Load: read config, content, data and theme into a [`Site`].
//!
//! Files are read and their headers parsed in parallel, each exactly once.
//! Every problem found is collected, so one build reports all of them.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::front_matter::{self, PostFrontMatter, SectionFrontMatter, SortBy};
use crate::content::{Date, Post, Section};
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Format, Origin, Schema};
use crate::source::{is_hidden, read_text};
use crate::theme::Theme;

/// Everything the later stages need, read from disk once.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub sections: Vec<Section>,
    pub posts: Vec<Post>,
    /// `data/` files by name: `data.doctors` for `data/doctors.toml`.
    pub data: serde_json::Map<String, serde_json::Value>,
    pub theme: Theme,
    /// Files under `content/` that are not posts: (source, output path).
    pub content_files: Vec<(PathBuf, String)>,
    /// Networks, social and physician settings from config.toml.
    pub outreach: crate::outreach::settings::Settings,
    /// What has been posted where, from `syndication.toml`.
    pub ledger: crate::ledger::Ledger,
}

impl Site {
    pub fn home(&self) -> &Section {
        &self.sections[0]
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    pub base_url: Option<String>,
}

pub const CONTENT: &str = "content";
pub const DATA: &str = "data";

pub fn load(root: &Path, options: &LoadOptions) -> Result<Site, Vec<Diagnostic>> {
    let mut config = Config::load(root)?;
    if let Some(base) = &options.base_url {
        config.base_url = base.clone();
    }
    let ((theme, data), content) = rayon::join(
        || rayon::join(|| Theme::load(root, &config.theme), || load_data(root)),
        || load_content(root, &config, options),
    );
    let mut problems = Vec::new();
    let ledger = crate::ledger::Ledger::load(root)
        .map_err(|mut e| problems.append(&mut e))
        .ok();
    let outreach = crate::outreach::settings::load(&config, root)
        .map_err(|mut e| problems.append(&mut e))
        .ok();
    // Only `rounds deploy` uses `[deploy]`, but a typo in it should stop the
    // build in CI rather than the deploy after it.
    if let Err(mut e) = crate::deploy::target::load(&config, root) {
        problems.append(&mut e);
    }
    let theme = theme.map_err(|mut e| problems.append(&mut e)).ok();
    let data = data.map_err(|mut e| problems.append(&mut e)).ok();
    let content = content.map_err(|mut e| problems.append(&mut e)).ok();
    match (theme, data, content, outreach, ledger) {
        (
            Some(theme),
            Some(data),
            Some((sections, posts, content_files)),
            Some(outreach),
            Some(ledger),
        ) if problems.is_empty() => Ok(Site {
            ledger,
            outreach,
            root: root.to_path_buf(),
            config,
            sections,
            posts,
            data,
            theme,
            content_files,
        }),
        _ => Err(problems),
    }
}

/// What a file under `content/` is.
enum Entry {
    Section(PathBuf),
    Post(PathBuf),
    /// A file published as-is at the same place under the output.
    Asset(PathBuf),
    /// A file beside an `index.md` post: (the post's folder, the file).
    BundleAsset(PathBuf, PathBuf),
}

type Content = (Vec<Section>, Vec<Post>, Vec<(PathBuf, String)>);

fn load_content(
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
    let (entries, mut problems) = walk_content(root);

    // Sections: the content root, every folder with an `_index.md`, and every
    // folder that holds posts directly.
    let mut section_dirs: BTreeMap<PathBuf, Option<PathBuf>> = BTreeMap::new();
    section_dirs.insert(PathBuf::from(CONTENT), None);
    for entry in &entries {
        match entry {
            Entry::Section(file) => {
                section_dirs.insert(file.parent().unwrap().to_path_buf(), Some(file.clone()));
            }
            Entry::Post(file) if !is_bundle(file) => {
                section_dirs
                    .entry(file.parent().unwrap().to_path_buf())
                    .or_insert(None);
            }
            _ => {}
        }
    }

    let section_results: Vec<_> = section_dirs
        .par_iter()
        .map(|(dir, file)| read_section(root, dir, file.as_deref(), config))
        .collect();
    let mut sections = Vec::new();
    let mut section_index: HashMap<PathBuf, usize> = HashMap::new();
    let mut drafts = Vec::new();
    for ((dir, _), result) in section_dirs.iter().zip(section_results) {
        match result {
            Ok(section) => {
                if section.front.draft && !options.drafts {
                    drafts.push(dir.clone());
                }
                section_index.insert(dir.clone(), sections.len());
                sections.push(section);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    // Parents: BTreeMap order puts each folder after its ancestors.
    for i in 0..sections.len() {
        let dir = section_dir(&sections[i]);
        let parent = dir
            .ancestors()
            .skip(1)
            .find_map(|a| section_index.get(a).copied());
        sections[i].parent = parent;
        if let Some(p) = parent {
            sections[p].subsections.push(i);
            if sections[i].front.lang.is_none() {
                sections[i].lang = sections[p].lang.clone();
            }
        }
    }

    let post_files: Vec<&PathBuf> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Post(f) => Some(f),
            _ => None,
        })
        .filter(|f| !drafts.iter().any(|d| f.starts_with(d)))
        .collect();
    let post_results: Vec<_> = post_files
        .par_iter()
        .map(|file| {
            let dir = if is_bundle(file) {
                file.parent().unwrap().parent().unwrap()
            } else {
                file.parent().unwrap()
            };
            let section = dir
                .ancestors()
                .find_map(|a| section_index.get(a).copied())
                .unwrap_or(0);
            read_post(root, file, section, &sections[section])
        })
        .collect();
    let mut posts = Vec::new();
    for result in post_results {
        match result {
            Ok(post) if post.front.draft && !options.drafts => {}
            Ok(mut post) => {
                if is_bundle(&post.file) {
                    let dir = post.file.parent().unwrap();
                    post.assets = entries
                        .iter()
                        .filter_map(|e| match e {
                            Entry::BundleAsset(bundle, file) if bundle == dir => Some(file.clone()),
                            _ => None,
                        })
                        .collect();
                }
                posts.push(post);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    let content_files = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Asset(file) if !drafts.iter().any(|d| file.starts_with(d)) => {
                Some((root.join(file), output_path_of(file)))
            }
            _ => None,
        })
        .collect();

    for (i, post) in posts.iter().enumerate() {
        sections[post.section].posts.push(i);
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

fn walk_content(root: &Path) -> (Vec<Entry>, Vec<Diagnostic>) {
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
        let name = rel.file_name().unwrap_or_default().to_string_lossy();
        let markdown = name.ends_with(".md");
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

fn is_bundle(file: &Path) -> bool {
    file.file_name() == Some(OsStr::new("index.md"))
}

fn section_dir(section: &Section) -> PathBuf {
    if section.file.ends_with("_index.md") {
        section.file.parent().unwrap().to_path_buf()
    } else {
        section.file.clone()
    }
}

fn output_path_of(file: &Path) -> String {
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
) -> Result<Section, Vec<Diagnostic>> {
    let path = url_of_dir(dir);
    let content_path = output_path_of(&dir.join("_index.md"));
    let default_title = || {
        if path == "/" {
            config.title.clone()
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
            lang: config.language.clone(),
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
        lang: front
            .lang
            .clone()
            .unwrap_or_else(|| config.language.clone()),
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

/// Reads post `index` again from its file, in the section it was in; its
/// bundle's files stay as they were (a new file there is a structural change
/// the caller handles with a full load).
pub fn reload_post(site: &Site, index: usize) -> Result<Post, Vec<Diagnostic>> {
    let old = &site.posts[index];
    let mut post = read_post(
        &site.root,
        &old.file,
        old.section,
        &site.sections[old.section],
    )?;
    post.assets = old.assets.clone();
    Ok(post)
}

/// Re-sorts a section's posts as loading does, e.g. after one post changed.
pub fn sorted_posts(site: &Site, section: usize) -> Vec<usize> {
    let mut posts = site.sections[section].posts.clone();
    sort_posts(
        &mut posts,
        &site.posts,
        site.sections[section].front.sort_by,
    );
    posts
}

fn read_post(
    root: &Path,
    file: &Path,
    section_index: usize,
    section: &Section,
) -> Result<Post, Vec<Diagnostic>> {
    let source = read_text(root, file).map_err(|d| vec![d])?;
    let (front, split) = front_matter::parse::<PostFrontMatter>(&source, file)?;
    let body_offset = split.body_offset;
    let stem = if is_bundle(file) {
        file.parent()
            .unwrap()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    } else {
        file.file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let (name_date, name) = split_date_prefix(&stem);
    let slug = slug::slugify(front.slug.as_deref().unwrap_or(name));
    if slug.is_empty() {
        return Err(vec![
            Diagnostic::error("content/slug", "this post's URL would be empty")
                .in_file(file)
                .at_opt(
                    crate::config::line_of(split.header, "slug")
                        .map(|p| shifted(p, split.header_line)),
                )
                .with_help(
                    "give it a `slug` with letters or digits, e.g. slug = \"blood-pressure\"",
                ),
        ]);
    }
    let mut problems = Vec::new();
    for alias in &front.aliases {
        if !alias.starts_with('/') || alias.contains("..") {
            problems.push(
                Diagnostic::error(
                    "content/alias",
                    format!("alias `{alias}` must be a site path starting with `/`"),
                )
                .in_file(file)
                .at_opt(
                    crate::config::line_of(split.header, "aliases")
                        .map(|p| shifted(p, split.header_line)),
                )
                .with_help("write old addresses as paths, e.g. aliases = [\"/2025/old-post/\"]"),
            );
        }
    }
    let path = format!("{}{slug}/", section.path);
    problems.extend(image_outside(&front, &path, file, &split));
    if !problems.is_empty() {
        return Err(problems);
    }
    let content_path = output_path_of(file);
    Ok(Post {
        path,
        file: file.to_path_buf(),
        date: front.date.or(name_date),
        lang: front.lang.clone().unwrap_or_else(|| section.lang.clone()),
        section: section_index,
        slug,
        content_path,
        assets: Vec::new(),
        front,
        source,
        body_offset,
    })
}

/// A post's `image` names a file beside it or a site path; either way it
/// must stay inside the site, since `rounds publish` uploads it.
fn image_outside(
    front: &PostFrontMatter,
    post_path: &str,
    file: &Path,
    split: &front_matter::Split<'_>,
) -> Option<Diagnostic> {
    let image = front.image.as_deref()?;
    if image.contains("://") || crate::site_path::site_path(post_path, image).is_some() {
        return None;
    }
    Some(crate::site_path::outside_output(
        "image",
        image,
        file,
        crate::config::line_of(split.header, "image").map(|p| shifted(p, split.header_line)),
        "name a file beside the post (image = \"photo.jpg\") or a site path (image = \"/images/photo.jpg\")",
    ))
}

fn shifted(p: crate::diagnostic::Position, first_line: usize) -> crate::diagnostic::Position {
    crate::diagnostic::Position {
        line: p.line + first_line - 1,
        column: p.column,
    }
}

/// `2026-03-01-blood-pressure` → (2026-03-01, `blood-pressure`).
fn split_date_prefix(stem: &str) -> (Option<Date>, &str) {
    if stem.len() > 11 && stem.is_char_boundary(10) && matches!(stem.as_bytes()[10], b'-' | b'_') {
        if let Some(date) = Date::parse(&stem[..10]) {
            return (Some(date), &stem[11..]);
        }
    }
    (None, stem)
}

fn sort_posts(indices: &mut [usize], posts: &[Post], by: SortBy) {
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

/// Two things published at one URL: the later would silently replace the earlier.
fn duplicate_paths(sections: &[Section], posts: &[Post]) -> Vec<Diagnostic> {
    let mut owners: HashMap<String, &Path> = HashMap::new();
    let mut problems = Vec::new();
    let claims = sections
        .iter()
        .map(|s| (s.path.clone(), s.file.as_path()))
        .chain(posts.iter().map(|p| (p.path.clone(), p.file.as_path())))
        .chain(posts.iter().flat_map(|p| {
            p.front
                .aliases
                .iter()
                .map(|a| (normalize_path(a), p.file.as_path()))
        }));
    for (path, file) in claims {
        if let Some(first) = owners.insert(path.clone(), file) {
            if first == file {
                continue;
            }
            problems.push(
                Diagnostic::error("content/duplicate-path", format!("{} is also published at {path}", first.display()))
                    .in_file(file)
                    .with_help("give one of them a different `slug` (or file name), or remove the clashing alias"),
            );
        }
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

/// A `data/` file parsed into JSON values for templates.
struct DataFile(serde_json::Value);

impl<'de> serde::Deserialize<'de> for DataFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(DataFile)
    }
}

impl Schema for DataFile {
    fn known_keys(_: &[&str]) -> Option<&'static [&'static str]> {
        None
    }
}

fn load_data(root: &Path) -> Result<serde_json::Map<String, serde_json::Value>, Vec<Diagnostic>> {
    let dir = root.join(DATA);
    let mut data = serde_json::Map::new();
    if !dir.is_dir() {
        return Ok(data);
    }
    let walk = crate::site_path::walk(root, Path::new(DATA), is_hidden);
    let mut problems: Vec<Diagnostic> = walk
        .links_out
        .iter()
        .map(|link| crate::site_path::link_outside(link))
        .collect();
    for file in walk.files {
        let ext = file.extension().and_then(OsStr::to_str).unwrap_or("");
        let value = match ext {
            "toml" | "yaml" | "yml" => {
                read_text(root, &file)
                    .map_err(|d| vec![d])
                    .and_then(|text| {
                        let format = if ext == "toml" {
                            Format::Toml
                        } else {
                            Format::Yaml
                        };
                        schema::parse::<DataFile>(
                            format,
                            &text,
                            Origin {
                                file: &file,
                                first_line: 1,
                            },
                        )
                        .map(|d| d.0)
                    })
            }
            "json" => read_text(root, &file)
                .map_err(|d| vec![d])
                .and_then(|text| {
                    serde_json::from_str(&text).map_err(|e| {
                        vec![
                            Diagnostic::error("syntax", format!("invalid JSON: {e}"))
                                .in_file(&file)
                                .at(crate::diagnostic::Position {
                                    line: e.line(),
                                    column: e.column(),
                                })
                                .with_help("check for a missing comma or quote"),
                        ]
                    })
                }),
            _ => continue,
        };
        match value {
            Ok(value) => {
                problems.extend(photos_outside(root, &file, &value));
                insert_data(&mut data, &file, value);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

/// A doctor's `photo` in `data/doctors.*` is a site path, which the pages
/// link to; one that climbs out of the site is refused at its line.
fn photos_outside(root: &Path, file: &Path, value: &serde_json::Value) -> Vec<Diagnostic> {
    if file.parent() != Some(Path::new(DATA)) || file.file_stem() != Some(OsStr::new("doctors")) {
        return Vec::new();
    }
    let outside: Vec<&str> = value
        .as_object()
        .into_iter()
        .flat_map(|doctors| doctors.values())
        .filter_map(|doctor| doctor.get("photo")?.as_str())
        .filter(|photo| !photo.contains("://") && crate::site_path::site_path("/", photo).is_none())
        .collect();
    if outside.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    outside
        .into_iter()
        .map(|photo| {
            let at = text.lines().enumerate().find_map(|(i, line)| {
                let column = line.find("photo")?;
                line[column..].contains(photo).then(|| crate::diagnostic::Position {
                    line: i + 1,
                    column: line[..column].chars().count() + 1,
                })
            });
            crate::site_path::outside_output(
                "photo",
                photo,
                file,
                at,
                "name the photo by its site path, e.g. photo = \"/images/doctors/patel.jpg\" for static/images/doctors/patel.jpg",
            )
        })
        .collect()
}

/// `data/lab/tests.toml` becomes `data.lab.tests`.
fn insert_data(
    data: &mut serde_json::Map<String, serde_json::Value>,
    file: &Path,
    value: serde_json::Value,
) {
    let rel = file.strip_prefix(DATA).unwrap_or(file).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut table = data;
    for part in &parts[..parts.len() - 1] {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(Default::default());
        }
        table = entry.as_object_mut().unwrap();
    }
    table.insert(parts[parts.len() - 1].clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefixes_become_dates() {
        let (date, name) = split_date_prefix("2026-03-01-blood-pressure");
        assert_eq!(date.unwrap().to_string(), "2026-03-01");
        assert_eq!(name, "blood-pressure");
        assert_eq!(split_date_prefix("2026-plans"), (None, "2026-plans"));
    }

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
