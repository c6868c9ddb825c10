//! The last good build, kept in memory between saves, and how one change
//! updates it. A saved post is read, checked and rendered alone, and only the
//! pages that show it are drawn again; a template change redraws the pages
//! built on that template; a static file is copied; anything that can move
//! pages around (a new post, a changed date or tag, config, data) rebuilds
//! everything. Feeds, the sitemap and the outreach preview follow after the
//! browser has been told to reload, since nobody is looking at them.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::build::{self, BuildOptions, Built};
use crate::derive::{PageKind, Placement};
use crate::diagnostic::Diagnostic;
use crate::progress::Progress;
use crate::write;

use super::watch::Change;

/// How far the pages follow the sources.
pub struct Session {
    options: BuildOptions,
    /// The site's folder as the watcher names it (canonical).
    root: PathBuf,
    built: Built,
    index: PageIndex,
    /// The last full build failed: the next change starts from scratch.
    stale: bool,
    /// Sources whose last change failed; they are tried again with every
    /// change until they build, so a later save elsewhere cannot hide them.
    broken: BTreeSet<PathBuf>,
    /// Posts changed since the feeds and outreach were last derived.
    unfinished: BTreeSet<usize>,
    /// Always rebuild everything (`--full-rebuilds`).
    full_only: bool,
}

/// What one change did, when it worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Some pages were drawn again; `changed` of them differ. `copied`
    /// static files changed in the same batch.
    Pages {
        drawn: usize,
        changed: usize,
        copied: usize,
    },
    /// Only static files changed; `css` when they were all stylesheets.
    Static { css: bool },
    /// The whole site was built again.
    Everything,
}

impl Done {
    /// Whether open pages have anything new to show. A new stylesheet or
    /// picture saved with a post that did not change is new, too.
    pub fn shows_change(&self) -> bool {
        !matches!(
            self,
            Done::Pages {
                changed: 0,
                copied: 0,
                ..
            }
        )
    }
}

/// Which pages show each post, so a save redraws only those.
#[derive(Default)]
struct PageIndex {
    /// A post's own pages: its article and its physician page.
    own: Vec<Vec<usize>>,
    /// Section and term pages whose slice of the list holds the post.
    lists: Vec<Vec<usize>>,
    /// The home pages, which show the newest posts.
    home: Vec<usize>,
    /// Pages whose templates call `get_posts`, which can show any post.
    listing: Vec<usize>,
    /// Each post's file, as the watcher names it.
    files: HashMap<PathBuf, usize>,
}

impl PageIndex {
    fn new(built: &Built, root: &Path) -> PageIndex {
        let site = &built.site;
        let derived = &built.derived;
        let listing_templates = write::templates::listing_posts(&site.theme);
        let mut index = PageIndex {
            own: vec![Vec::new(); site.posts.len()],
            lists: vec![Vec::new(); site.posts.len()],
            ..PageIndex::default()
        };
        for (page, p) in derived.pages.iter().enumerate() {
            if listing_templates.contains(&p.template) {
                index.listing.push(page);
            }
            match &p.kind {
                PageKind::Post(i) | PageKind::Physician(i) => index.own[*i].push(page),
                PageKind::Section { section, pager } => {
                    if *section == 0 {
                        index.home.push(page);
                    }
                    for &i in &derived.listed(site, *section)[pager.range.clone()] {
                        index.lists[i].push(page);
                    }
                }
                PageKind::Term {
                    taxonomy,
                    term,
                    pager,
                } => {
                    let posts = &derived.taxonomies[*taxonomy].terms[*term].posts;
                    for &i in &posts[pager.range.clone()] {
                        index.lists[i].push(page);
                    }
                }
                PageKind::Taxonomy(_)
                | PageKind::NotFound
                | PageKind::LanguageAccess
                | PageKind::Text => {}
            }
        }
        index.files = site
            .posts
            .iter()
            .enumerate()
            .map(|(i, post)| (root.join(&post.file), i))
            .collect();
        index
    }
}

/// What a batch of changed files asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Plan {
    full: bool,
    theme: bool,
    posts: BTreeSet<usize>,
}

/// A change that cannot be handled piecemeal after all.
struct NeedsFull;

impl Session {
    /// The first build.
    pub fn start(
        options: BuildOptions,
        full_only: bool,
        progress: &Progress,
    ) -> (Result<Session, ()>, Vec<Diagnostic>) {
        let root = options
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.root.clone());
        let (result, problems) = build::build_and_keep(&options, progress);
        let session = result.map(|(_, built, replaced)| {
            retire(replaced, None);
            built
        });
        let session = session.map(|built| Session {
            index: PageIndex::new(&built, &root),
            options,
            root,
            built,
            stale: false,
            broken: BTreeSet::new(),
            unfinished: BTreeSet::new(),
            full_only,
        });
        (session, problems)
    }

    /// Brings the output up to date with `paths` (absolute, as the watcher
    /// names them). On failure the output is left as it was.
    pub fn apply(&mut self, paths: &[PathBuf]) -> (Result<Done, ()>, Vec<Diagnostic>) {
        let mut paths: Vec<PathBuf> = paths.to_vec();
        paths.extend(self.broken.iter().cloned());
        paths.sort();
        paths.dedup();
        let plan = self.plan(&paths);
        let (result, problems) = if plan.full || self.stale || self.full_only {
            self.rebuild()
        } else {
            match self.update(&plan, &paths) {
                Ok(outcome) => outcome,
                Err(NeedsFull) => self.rebuild(),
            }
        };
        self.broken = if result.is_ok() {
            BTreeSet::new()
        } else {
            paths.into_iter().collect()
        };
        (result, problems)
    }

    /// Whether feeds, sitemaps and outreach still wait for [`Session::finish`].
    pub fn has_unfinished(&self) -> bool {
        !self.unfinished.is_empty()
    }

    /// Derives feeds, sitemaps and outreach again after posts changed, and
    /// writes what differs. Reports only errors and the changed posts' warnings.
    pub fn finish(&mut self) -> (Result<(), ()>, Vec<Diagnostic>) {
        let changed = std::mem::take(&mut self.unfinished);
        let built = &mut self.built;
        let site = &built.site;
        let (derived, mut problems) = crate::derive::derive(site, &built.bodies);
        let (outreach, found) =
            crate::pipeline::outreach(site, &built.bodies, &derived.pictures, &built.checker);
        problems.extend(found);
        let files: BTreeSet<&Path> = changed
            .iter()
            .map(|&i| site.posts[i].file.as_path())
            .collect();
        problems.retain(|d| d.is_error() || d.file.as_deref().is_some_and(|f| files.contains(f)));
        if problems.iter().any(Diagnostic::is_error) {
            return (Err(()), problems);
        }
        for file in &derived.generated {
            if let Err(e) = write::replace_if_changed(&built.output, &file.output, &file.bytes) {
                problems.push(write::write_error(&file.output, &e));
            }
        }
        built.derived.generated = derived.generated;
        // A new title is a new card: made beside the live pictures.
        let cache = crate::picture::cache::folder();
        let (_, made) =
            crate::picture::produce(&derived.pictures, &built.output, None, cache.as_deref());
        problems.extend(made);
        built.derived.pictures = derived.pictures;
        built.frame.set_pictures(built.derived.pictures.clone());
        if let Err(problem) = write::outreach_files::write(site, &outreach, &built.outreach_dir) {
            problems.push(problem);
        }
        built.outreach = outreach;
        let failed = problems.iter().any(Diagnostic::is_error);
        (if failed { Err(()) } else { Ok(()) }, problems)
    }

    fn plan(&self, paths: &[PathBuf]) -> Plan {
        let mut plan = Plan::default();
        for path in paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                plan.full = true;
                continue;
            };
            let top = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default();
            match top.as_str() {
                "templates" | "themes" | "static" => plan.theme = true,
                "content" => match self.index.files.get(path) {
                    // A post that still exists was edited; anything else
                    // (a new or deleted post, a section, an image) moves pages.
                    Some(&i) if path.is_file() => {
                        plan.posts.insert(i);
                    }
                    _ => plan.full = true,
                },
                _ => plan.full = true,
            }
        }
        plan
    }

    fn rebuild(&mut self) -> (Result<Done, ()>, Vec<Diagnostic>) {
        let (result, problems) = build::build_and_keep(&self.options, &Progress::new(false));
        match result {
            Ok((_, built, replaced)) => {
                self.index = PageIndex::new(&built, &self.root);
                let old = std::mem::replace(&mut self.built, built);
                retire(replaced, Some(old));
                self.stale = false;
                self.unfinished.clear();
                (Ok(Done::Everything), problems)
            }
            Err(()) => {
                // The old build keeps serving; the next change starts afresh.
                self.stale = true;
                (Err(()), problems)
            }
        }
    }

    /// Applies a plan without a full build, or says it needs one.
    fn update(
        &mut self,
        plan: &Plan,
        paths: &[PathBuf],
    ) -> Result<(Result<Done, ()>, Vec<Diagnostic>), NeedsFull> {
        let mut pages: BTreeSet<usize> = BTreeSet::new();
        let mut problems = Vec::new();
        let mut static_only = false;
        let mut copied = 0;
        if plan.theme {
            match self.update_theme()? {
                Ok(ThemeChange {
                    pages: redraw,
                    copied: files,
                }) => {
                    static_only = redraw.is_empty();
                    copied = files;
                    pages.extend(redraw);
                }
                Err(mut found) => {
                    problems.append(&mut found);
                    return Ok((Err(()), problems));
                }
            }
        }
        let mut edited = Vec::new();
        for &i in &plan.posts {
            match self.update_post(i)? {
                Ok((shown, found, old)) => {
                    pages.extend(shown);
                    problems.extend(found);
                    edited.push(old);
                }
                Err(mut found) => {
                    problems.append(&mut found);
                    self.restore(edited);
                    return Ok((Err(()), problems));
                }
            }
        }
        if plan.posts.is_empty() && static_only {
            let css = Change {
                paths: paths.to_vec(),
            }
            .is_css_only();
            return Ok((Ok(Done::Static { css }), problems));
        }
        if !plan.posts.is_empty() {
            let edited: Vec<usize> = plan.posts.iter().copied().collect();
            problems.extend(self.refresh_pictures(&edited));
        }
        let pages: Vec<usize> = pages.into_iter().collect();
        match self.redraw(&pages) {
            Ok(changed) => {
                self.unfinished.extend(plan.posts.iter().copied());
                let done = Done::Pages {
                    drawn: pages.len(),
                    changed,
                    copied,
                };
                Ok((Ok(done), problems))
            }
            Err(mut found) => {
                problems.append(&mut found);
                self.restore(edited);
                Ok((Err(()), problems))
            }
        }
    }

    /// An edited post's new title or image is a new picture: its pictures
    /// planned again and made beside the live ones, before its pages are
    /// drawn.
    fn refresh_pictures(&mut self, edited: &[usize]) -> Vec<Diagnostic> {
        let site = &self.built.site;
        let (pictures, needed) =
            match crate::picture::replan(&self.built.derived.pictures, site, edited) {
                Some(replanned) => replanned,
                None => {
                    let all = crate::picture::plan(site);
                    (all.clone(), all)
                }
            };
        let cache = crate::picture::cache::folder();
        let (_, problems) =
            crate::picture::produce(&needed, &self.built.output, None, cache.as_deref());
        self.built.derived.pictures = std::sync::Arc::new(pictures);
        self.built
            .frame
            .set_pictures(self.built.derived.pictures.clone());
        problems
    }

    /// Reads the theme again: copies changed static files, recompiles the
    /// templates if any changed, and names the pages built on them.
    fn update_theme(&mut self) -> Result<Result<ThemeChange, Vec<Diagnostic>>, NeedsFull> {
        let site = &mut self.built.site;
        let theme = match crate::theme::Theme::load(&site.root, &site.config.theme) {
            Ok(theme) => theme,
            Err(problems) => return Ok(Err(problems)),
        };
        let old = &site.theme.templates;
        if !old.keys().eq(theme.templates.keys()) {
            // A template added or removed can change which one a page uses.
            return Err(NeedsFull);
        }
        let changed: BTreeSet<String> = theme
            .templates
            .iter()
            .filter(|(name, t)| old.get(*name).is_none_or(|o| o.text != t.text))
            .map(|(name, _)| name.clone())
            .collect();
        let old_theme = std::mem::replace(&mut site.theme, theme);
        if !changed.is_empty() {
            if let Err(problems) = self.built.frame.recompile(site) {
                site.theme = old_theme;
                return Ok(Err(problems));
            }
        }
        let copied = match write::put_static(site, &self.built.output) {
            Ok(files) => files.len(),
            Err(problems) => return Ok(Err(problems)),
        };
        if changed.is_empty() {
            return Ok(Ok(ThemeChange {
                pages: Vec::new(),
                copied,
            }));
        }
        let users = write::templates::dependents(&site.theme, &changed);
        // Which templates call `get_posts` may have changed too.
        self.index = PageIndex::new(&self.built, &self.root);
        let pages = self
            .built
            .derived
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| users.contains(&p.template))
            .map(|(i, _)| i)
            .collect();
        Ok(Ok(ThemeChange { pages, copied }))
    }

    /// Reads, checks and renders post `i` again and names the pages showing
    /// it. Returns those pages, the post's warnings, and what to restore if a
    /// later step fails.
    fn update_post(&mut self, i: usize) -> Result<Result<PostEdit, Vec<Diagnostic>>, NeedsFull> {
        let built = &mut self.built;
        let post = match crate::load::reload_post(&built.site, i) {
            Ok(post) => post,
            Err(problems) => return Ok(Err(problems)),
        };
        if Placement::of(&built.site, &post) != Placement::of(&built.site, &built.site.posts[i]) {
            return Err(NeedsFull);
        }
        let old_post = std::mem::replace(&mut built.site.posts[i], post);
        let section = built.site.posts[i].section;
        if crate::load::sorted_posts(&built.site, section) != built.site.sections[section].posts {
            built.site.posts[i] = old_post;
            return Err(NeedsFull);
        }
        let mut problems = built.checker.post(&built.site, &built.site.posts[i]);
        let (body, found) = crate::render::render_post(&built.site, &built.bodies, i);
        problems.extend(found);
        if problems.iter().any(Diagnostic::is_error) {
            built.site.posts[i] = old_post;
            return Ok(Err(problems));
        }
        let old_body = std::mem::replace(&mut built.bodies.posts[i], body);
        let lists_change = built
            .frame
            .refresh_post(&built.site, &built.bodies, &built.derived, i);
        let pages = self.pages_showing(i, lists_change);
        Ok(Ok((pages, problems, (i, old_post, old_body))))
    }

    /// The pages that show post `i`: its own, and when what lists show of it
    /// changed, every list, neighbour and "related" box that holds it.
    fn pages_showing(&self, i: usize, lists_change: bool) -> Vec<usize> {
        let index = &self.index;
        let mut pages = index.own[i].clone();
        if !lists_change {
            return pages;
        }
        let built = &self.built;
        let derived = &built.derived;
        pages.extend(&index.lists[i]);
        pages.extend(&index.listing);
        let latest = built.site.config.paginate_by.max(1);
        if derived.by_date.iter().take(latest).any(|&p| p == i) {
            pages.extend(&index.home);
        }
        let (newer, older) = derived.neighbours[i];
        for n in newer.into_iter().chain(older) {
            pages.extend(&index.own[n]);
        }
        for j in self.related_to(i) {
            pages.extend(&index.own[j]);
        }
        pages
    }

    /// Posts whose "related" box shows post `i`.
    fn related_to(&self, i: usize) -> Vec<usize> {
        let derived = &self.built.derived;
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        for &(t, n) in &derived.post_terms[i] {
            if derived.taxonomies[t].name == "tags" {
                candidates.extend(&derived.taxonomies[t].terms[n].posts);
            }
        }
        candidates.remove(&i);
        candidates
            .into_iter()
            .filter(|&j| write::related_posts(&self.built.site, derived, j).contains(&i))
            .collect()
    }

    /// Puts back posts whose edit could not be finished.
    fn restore(&mut self, edited: Vec<Restore>) {
        let built = &mut self.built;
        for (i, post, body) in edited.into_iter().rev() {
            built.site.posts[i] = post;
            built.bodies.posts[i] = body;
            built
                .frame
                .refresh_post(&built.site, &built.bodies, &built.derived, i);
        }
    }

    /// Draws the pages, checks what they load, and writes those that differ.
    fn redraw(&mut self, pages: &[usize]) -> Result<usize, Vec<Diagnostic>> {
        let built = &self.built;
        let (site, derived) = (&built.site, &built.derived);
        let drawn = write::draw_pages(site, &built.bodies, derived, &built.frame, pages)?;
        let settings = built.checker.settings();
        let loads = write::foreign_loads(site, &drawn);
        let problems = settings.apply(crate::check::third_party::diagnose(
            site,
            derived,
            &loads,
            &settings.allowed_hosts,
        ));
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        write::put_changed(derived, &drawn, &built.output).map(|changed| changed.len())
    }
}

/// Lets the last output and the last build go on a thread of their own:
/// at 10,000 posts deleting the one's files and freeing the other take
/// seconds, which a full rebuild no longer waits for before the reload.
/// If no thread can be had, the old output stays in the preview's scratch
/// folder, which goes when the preview stops.
fn retire(replaced: write::output::Replaced, old: Option<Built>) {
    let spawned = std::thread::Builder::new()
        .name("rounds-retire".into())
        .spawn(move || {
            drop(old);
            let _ = replaced.remove();
        });
    if let (Ok(handle), Ok(mut retiring)) = (spawned, RETIRING.lock()) {
        retiring.retain(|h| !h.is_finished());
        retiring.push(handle);
    }
}

/// The threads still deleting a replaced output.
static RETIRING: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits for every replaced output to be deleted. The preview calls it
/// before it removes its scratch folder: two deletions of the same tree at
/// once fail where they meet, and left the folder behind.
pub fn wait_for_retired() {
    let handles = RETIRING
        .lock()
        .map(|mut retiring| std::mem::take(&mut *retiring))
        .unwrap_or_default();
    for handle in handles {
        let _ = handle.join();
    }
}

struct ThemeChange {
    pages: Vec<usize>,
    /// Static files that differ from the output's.
    copied: usize,
}

/// A post's index, and the post and body it had before an edit.
type Restore = (usize, crate::content::Post, crate::markdown::Rendered);

/// Pages showing an edited post, its warnings, and how to undo the edit.
type PostEdit = (Vec<usize>, Vec<Diagnostic>, Restore);
