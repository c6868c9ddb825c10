#!/usr/bin/env python3
"""Generate the same blog as a Rounds site and as a Hugo site.

    python3 bench/gen_corpus.py N OUTDIR [--seed S] [--warnings]

writes OUTDIR/rounds/ (config.toml, content/) and OUTDIR/hugo/ (hugo.toml,
content/, layouts/). Both trees hold the same N posts, byte for byte, except
for the internal links every 10th post makes to an earlier post: Rounds writes
`@/blog/post-00003.md`, Hugo `{{< ref "/blog/post-00003.md" >}}`.

Output is deterministic: each post is drawn from its own RNG seeded with
(seed, post number), so post 42 is the same whatever N is. Only the dates
depend on N (the posts are spread evenly over ten years).

--warnings writes the same posts as a clinic's site migrated from another
generator would hold them: each still carries its medical review, so it
builds, but has the blemishes Rounds' checks report as warnings (never
errors), about six a post (about 60,000 at 10,000 posts):

  review/stale          the review dates from the old site, years ago (~90%)
  readability/grade     a third of the paragraphs are long sentences of long
                        words, so the post reads above grade 8 (nearly all)
  readability/jargon    one to four medical terms in those paragraphs, most
                        without their plain words beside them (~2 a post)
  a11y/link-text        a "click here" link (~70%)
  a11y/heading-order    an h4 straight after an h2 (~50%)
  sources/missing       `kind = "prevention"` without `sources` (~40%)
  a11y/lang             a paragraph in Spanish on an English page (~10%)

The blemishes are drawn from a second RNG per post, so the clean corpus
(without --warnings) is byte for byte what it was, and the changed bodies go
to the Hugo tree too, so Hugo builds the same content. Front matter only
Rounds reads (`kind`, `last_reviewed`) goes to the Rounds tree alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

DEFAULT_SEED = 20260105
N_TAGS = 200
LAST_DATE = dt.date(2026, 1, 5)
SPAN_DAYS = 3652  # ten years of posts, the newest on LAST_DATE

# --------------------------------------------------------------------------
# Vocabulary

NOUNS = """
patient clinic doctor nurse heart artery vein valve rhythm pressure pulse
cholesterol diet exercise walk sleep stress medication dose pharmacy test
result scan echo monitor appointment visit referral specialist family
caregiver symptom sign risk factor habit routine morning evening week month
year season summer winter spring autumn kitchen meal vegetable fruit grain
salt sugar fat fiber water coffee tea breakfast lunch dinner snack garden
park trail bicycle pool stair step minute hour schedule calendar question
answer study trial evidence guideline review record chart report number
target goal plan program class group community neighbor friend partner
child parent grandparent team staff lab sample blood urine screening
vaccine season infection fever cough breath lung kidney liver muscle bone
joint knee hip back shoulder posture balance fall injury recovery rehab
therapy session device cuff watch app reminder alert message phone call
insurance bill form consent privacy portal account password update change
""".split()

ADJECTIVES = """
quiet steady gentle brisk regular simple careful honest practical useful
common rare early late daily weekly monthly seasonal normal high low
healthy active tired busy calm bright clear cloudy warm cold fresh local
small large short long slow quick safe modest reliable flexible familiar
new old recent helpful important everyday patient friendly thoughtful
""".split()

VERBS = """
check measure track record discuss explain review adjust lower raise keep
start stop avoid choose prepare cook walk stretch rest sleep drink eat
visit call ask answer bring share follow plan note remember notice improve
support protect reduce increase balance compare repeat schedule confirm
""".split()

ADVERBS = """
often usually rarely gently slowly quickly carefully regularly sometimes
always simply clearly honestly steadily calmly easily safely
""".split()

CONNECTORS = [
    "and", "but", "so", "because", "while", "although", "when", "before",
    "after", "until", "since", "if",
]

DETERMINERS = ["the", "a", "your", "our", "each", "every", "this", "that", "one"]

PREPOSITIONS = ["with", "for", "after", "before", "during", "without", "about", "near", "under", "over"]

CATEGORIES = [
    "prevention", "nutrition", "exercise", "medications", "testing",
    "clinic-news", "research", "caregiving", "mental-health", "living-well",
]

HEADINGS = [
    "Why it matters", "What we see in the clinic", "Questions to ask",
    "A typical week", "What the evidence says", "Getting started",
    "Common mistakes", "When to call us", "At home", "Numbers to know",
    "Tools that help", "For caregivers", "Planning ahead", "Small changes",
    "What to bring", "How we measure it", "Side effects", "The long view",
    "Myths and facts", "Next steps",
]


def make_tags() -> list[str]:
    """200 distinct lowercase hyphenated tags, in a fixed (rank) order."""
    rng = random.Random(7)
    pairs = [f"{a}-{n}" for a in ADJECTIVES for n in NOUNS]
    rng.shuffle(pairs)
    return pairs[:N_TAGS]


TAGS = make_tags()
# Zipf-ish popularity: tag of rank r has weight 1/r.
TAG_WEIGHTS = [1.0 / (r + 1) for r in range(N_TAGS)]


# --------------------------------------------------------------------------
# Prose


def noun_phrase(rng: random.Random) -> str:
    parts = [rng.choice(DETERMINERS)]
    if rng.random() < 0.5:
        parts.append(rng.choice(ADJECTIVES))
    parts.append(rng.choice(NOUNS))
    return " ".join(parts)


def clause(rng: random.Random) -> str:
    subject = rng.choice(["you", "we", "patients", "many people", "our nurses", noun_phrase(rng)])
    words = [subject]
    if rng.random() < 0.3:
        words.append(rng.choice(ADVERBS))
    words.append(rng.choice(VERBS))
    words.append(noun_phrase(rng))
    if rng.random() < 0.6:
        words.append(rng.choice(PREPOSITIONS))
        words.append(noun_phrase(rng))
    return " ".join(words)


def inline_markup(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    if len(words) > 4 and rng.random() < 0.15:
        i = rng.randrange(1, len(words))
        words[i] = f"**{words[i]}**"
    elif len(words) > 4 and rng.random() < 0.15:
        i = rng.randrange(1, len(words))
        words[i] = f"*{words[i]}*"
    elif len(words) > 4 and rng.random() < 0.05:
        i = rng.randrange(1, len(words))
        words[i] = f"`{words[i]}`"
    return " ".join(words)


def sentence(rng: random.Random) -> str:
    text = clause(rng)
    if rng.random() < 0.55:
        text += (", " if rng.random() < 0.5 else " ") + rng.choice(CONNECTORS) + " " + clause(rng)
    if rng.random() < 0.08:
        text = f'"{text[0].upper()}{text[1:]}," a {rng.choice(NOUNS)} told us'
        return text + "."
    text = inline_markup(rng, text)
    end = "." if rng.random() < 0.9 else ("?" if rng.random() < 0.6 else "!")
    return text[0].upper() + text[1:] + end


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------
# Blocks


def table(rng: random.Random) -> str:
    cols = rng.randint(3, 4)
    header = ["Measure", "Target", "Check", "Note"][:cols]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * cols) + "|"]
    for _ in range(rng.randint(4, 6)):
        row = [
            rng.choice(NOUNS).capitalize(),
            f"{rng.randint(60, 180)}/{rng.randint(40, 110)}",
            rng.choice(["daily", "weekly", "monthly", "each visit", "yearly"]),
            f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
        ][:cols]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def code_block(rng: random.Random) -> str:
    name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
    field = rng.choice(NOUNS)
    limit = rng.randint(80, 160)
    if rng.random() < 0.5:
        body = f"""```rust
/// Flags readings above the {field} limit.
fn {name}(readings: &[u32]) -> Vec<usize> {{
    let limit = {limit};
    let mut flagged = Vec::new();
    for (i, &value) in readings.iter().enumerate() {{
        if value > limit {{
            flagged.push(i);
        }}
    }}
    flagged
}}
```"""
    else:
        body = f'''```python
def {name}(readings):
    """Return the indexes of readings above the {field} limit."""
    limit = {limit}
    flagged = []
    for i, value in enumerate(readings):
        if value > limit:
            flagged.append(i)
    average = sum(readings) / max(len(readings), 1)
    print(f"average {{average:.1f}}, {{len(flagged)}} over {{limit}}")
    return flagged
```'''
    return body


def bullet_list(rng: random.Random) -> str:
    ordered = rng.random() < 0.4
    items = []
    for k in range(rng.randint(3, 6)):
        marker = f"{k + 1}." if ordered else "-"
        items.append(f"{marker} {sentence(rng)}")
    return "\n".join(items)


def external_link(rng: random.Random) -> str:
    slug = f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}"
    return (
        f"For more background, read the [{rng.choice(ADJECTIVES)} guide to {rng.choice(NOUNS)}s]"
        f"(https://example.org/guides/{slug}) from a national society."
    )


# --------------------------------------------------------------------------
# Posts


def post_name(i: int) -> str:
    return f"post-{i:05d}"


def make_post(i: int, n: int, seed: int) -> dict:
    rng = random.Random(f"{seed}-{i}")
    title_words = [rng.choice(ADJECTIVES).capitalize()] + [
        rng.choice(NOUNS + ADJECTIVES) for _ in range(rng.randint(2, 5))
    ]
    title = " ".join(title_words) + f" ({i})"
    description = sentence(rng).replace('"', "'").replace("*", "").replace("`", "")
    # Evenly spread over ten years, oldest first, so earlier posts are older.
    offset = (n - i) * SPAN_DAYS // max(n, 1)
    date = LAST_DATE - dt.timedelta(days=offset)
    tags: list[str] = []
    while len(tags) < 3:
        t = rng.choices(TAGS, weights=TAG_WEIGHTS)[0]
        if t not in tags:
            tags.append(t)
    category = rng.choice(CATEGORIES)

    target_words = rng.randint(600, 900)
    headings = rng.sample(HEADINGS, rng.randint(4, 6))
    # Positions (heading index) at which the extra blocks appear.
    slots = {
        "table": rng.randrange(len(headings)),
        "code": rng.randrange(len(headings)),
        "list": rng.randrange(len(headings)),
        "link": rng.randrange(len(headings)),
    }
    internal_target = rng.randint(1, i - 1) if i % 10 == 0 and i > 1 else None
    if internal_target is not None:
        slots["internal"] = rng.randrange(len(headings))

    # Body as a list of blocks; internal link kept as a placeholder.
    # Body as a list of blocks; internal link kept as a placeholder. Word
    # counts include the table, code and list, as a reader's counter would.
    blocks: list[str] = [paragraph(rng)]
    words = word_count(blocks[0])
    extras_estimate = 180
    per_heading = max(20, (target_words - words - extras_estimate) // len(headings))

    def add(block: str) -> None:
        nonlocal words
        blocks.append(block)
        words += word_count(block)

    for h, heading in enumerate(headings):
        add(f"## {heading}")
        section_words = 0
        while section_words < per_heading * 0.7 and (section_words == 0 or words < target_words):
            p = paragraph(rng)
            add(p)
            section_words += word_count(p)
        if slots["table"] == h:
            add(table(rng))
        if slots["code"] == h:
            add("Here is a small script our team uses to sort through a week of readings:")
            add(code_block(rng))
        if slots["list"] == h:
            add(bullet_list(rng))
        if slots["link"] == h:
            add(external_link(rng))
        if slots.get("internal") == h:
            blocks.append("\x00INTERNAL\x00")
            words += 9
    # Top up the last section so every post reaches its target length.
    while words < target_words:
        add(paragraph(rng))
    return {
        "name": post_name(i),
        "title": title,
        "description": description,
        "date": date.isoformat(),
        "tags": tags,
        "categories": [category],
        "blocks": blocks,
        "internal_target": internal_target,
    }


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(toml_str(x) for x in items) + "]"


# Recent enough that no review is stale, whenever the benchmark runs.
REVIEWED_ON = (dt.date.today() - dt.timedelta(days=30)).isoformat()


# --------------------------------------------------------------------------
# A migrated site (--warnings)

# Long words that are not on the jargon list, so only JARGON adds jargon.
LONG_WORDS = """
considerable comprehensive documentation individualized responsibility
consideration administration accessibility pharmaceutical characteristic
circumstantial interpretation accommodation organizational environmental
professional communication institutional longitudinal multidisciplinary
socioeconomic preventative supplementary intermediate complementary
""".split()

HARD_VERBS = ["necessitates", "influences", "complicates", "accompanies", "characterizes", "precipitates"]

# Terms of the shipped plain-words list, with their plain words.
JARGON = [
    ("hypertension", "high blood pressure"),
    ("hyperlipidemia", "high cholesterol"),
    ("echocardiogram", "heart ultrasound"),
    ("arrhythmia", "uneven heartbeat"),
    ("dyspnea", "shortness of breath"),
    ("edema", "swelling"),
    ("syncope", "fainting"),
    ("anticoagulant", "blood thinner"),
    ("diuretic", "water pill"),
    ("renal", "kidney"),
    ("prophylaxis", "prevention"),
    ("comorbidity", "other health problem"),
    ("etiology", "cause"),
    ("prognosis", "outlook"),
    ("sedentary", "not active"),
    ("asymptomatic", "without symptoms"),
]

SPANISH = (
    "La presión arterial alta casi nunca da síntomas, por eso es importante "
    "medirla en cada visita y anotar los resultados en casa."
)


def hard_sentence(rng: random.Random, term: str | None = None) -> str:
    """One long sentence of long words, as an old pamphlet has them."""
    parts = []
    for _ in range(rng.randint(3, 4)):
        parts.append(
            f"{rng.choice(DETERMINERS)} {rng.choice(LONG_WORDS)} {rng.choice(LONG_WORDS)} "
            f"of {rng.choice(NOUNS)} {rng.choice(HARD_VERBS)} {rng.choice(LONG_WORDS)} "
            f"{rng.choice(LONG_WORDS)} {rng.choice(NOUNS)}"
        )
    if term is not None:
        parts[rng.randrange(len(parts))] += f" in {term}"
    text = ", ".join(parts[:-1]) + ", and " + parts[-1]
    return text[0].upper() + text[1:] + "."


def is_paragraph(block: str) -> bool:
    return (
        not block.startswith(("#", "|", "```", "- ", "\x00"))
        and not block[:1].isdigit()
        and "](" not in block
    )


def migrate(post: dict, seed: int) -> dict:
    """The post as a migrated site holds it (see --warnings above)."""
    rng = random.Random(f"{seed}-{post['name']}-migrated")
    blocks = list(post["blocks"])
    paragraphs = [k for k, b in enumerate(blocks) if is_paragraph(b)]
    hard = sorted(rng.sample(paragraphs, max(2, len(paragraphs) // 3)))
    terms = rng.sample(JARGON, rng.randint(1, 4))
    for n, k in enumerate(hard):
        term = None
        if n < len(terms):
            name, plain = terms[n]
            # One in five is explained where it first appears, as it should be.
            term = f"{name} ({plain})" if rng.random() < 0.2 else name
        blocks[k] = " ".join(hard_sentence(rng, term if s == 0 else None) for s in range(rng.randint(2, 3)))
    if rng.random() < 0.7:
        slug = f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}"
        k = rng.choice(paragraphs)
        blocks[k] += f" To read our handout, [click here](https://example.org/handouts/{slug})."
    if rng.random() < 0.5:
        headings = [k for k, b in enumerate(blocks) if b.startswith("## ")]
        k = rng.choice(headings)
        blocks[k] = "####" + blocks[k][2:]
    if rng.random() < 0.1:
        blocks.insert(rng.choice(paragraphs) + 1, SPANISH)
    rounds_front = []
    if rng.random() < 0.4:
        rounds_front.append('kind = "prevention"')
    # Reviewed a month after it was written, on the old site: stale unless recent.
    reviewed = dt.date.fromisoformat(post["date"]) + dt.timedelta(days=30)
    if (dt.date.today() - reviewed).days > 400:
        last_reviewed = reviewed.isoformat()
    else:
        last_reviewed = REVIEWED_ON
    return {**post, "blocks": blocks, "rounds_front": rounds_front, "last_reviewed": last_reviewed}


def render_post(post: dict, flavour: str) -> str:
    front = [
        "+++",
        f"title = {toml_str(post['title'])}",
        f"description = {toml_str(post['description'])}",
        f"date = {post['date']}",
        f"tags = {toml_list(post['tags'])}",
        f"categories = {toml_list(post['categories'])}",
    ]
    if flavour == "rounds":
        # A clinic's posts carry a medical review; Rounds checks it on every build.
        front += post.get("rounds_front", [])
        front += ['reviewed_by = "lee"', f"last_reviewed = {post.get('last_reviewed', REVIEWED_ON)}"]
    front += [
        "+++",
    ]
    body = []
    for block in post["blocks"]:
        if block == "\x00INTERNAL\x00":
            target = f"/blog/{post_name(post['internal_target'])}.md"
            if flavour == "rounds":
                url = "@" + target
            else:
                url = '{{< ref "' + target + '" >}}'
            block = f"We wrote about a related question [in an earlier post]({url})."
        body.append(block)
    return "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n"


# --------------------------------------------------------------------------
# Site scaffolding

ROUNDS_CONFIG = """\
title = "Rounds benchmark"
base_url = "https://bench.example"
paginate_by = 10
taxonomies = [{ name = "tags", paginate_by = 10 }, { name = "categories", paginate_by = 10 }]
"""

HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Rounds benchmark"
languageCode = "en"
enableRobotsTXT = false
@PAGINATION@

[taxonomies]
tag = "tags"
category = "categories"

[services.rss]
limit = 20   # Rounds' feed_limit default

[mediaTypes."application/atom+xml"]
suffixes = ["xml"]

[outputFormats.RSS]
baseName = "rss"   # Rounds writes rss.xml, not index.xml

[outputFormats.Atom]
mediaType = "application/atom+xml"
baseName = "atom"
rel = "alternate"
isHTML = false
isPlainText = false

[outputs]
home = ["HTML", "RSS", "Atom"]
section = ["HTML", "RSS", "Atom"]
taxonomy = ["HTML"]
term = ["HTML", "RSS", "Atom"]
page = ["HTML"]

[markup.highlight]
noClasses = false
codeFences = true
guessSyntax = false

[markup.goldmark.extensions]
typographer = true
table = true

[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""

# Hugo before 0.128 (Debian bookworm has 0.111) pages with top-level `paginate`;
# 0.128 added [pagination] and later releases drop the old keys.
PAGINATION_OLD = """\
# Hugo < 0.128: top-level paginate (what Debian's 0.111 supports)
paginate = 10
paginatePath = "page"
"""
PAGINATION_NEW = """\
[pagination]
pagerSize = 10
path = "page"
"""


def installed_hugo_version() -> tuple[int, int] | None:
    """(major, minor) of the `hugo` on PATH, or None."""
    import re
    import subprocess

    try:
        out = subprocess.run(["hugo", "version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"v(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def hugo_config(style: str) -> str:
    if style == "auto":
        version = installed_hugo_version()
        style = "pagerSize" if version is not None and version >= (0, 128) else "paginate"
    # Top-level keys must come before the first table; [pagination] is a table.
    if style == "pagerSize":
        return HUGO_CONFIG.replace("@PAGINATION@\n", "") + "\n" + PAGINATION_NEW
    return HUGO_CONFIG.replace("@PAGINATION@\n", PAGINATION_OLD)


HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}" title="{{ site.Title }}">
{{ end -}}
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="{{ site.Home.Permalink }}">{{ site.Title }}</a>
<nav><a href="/blog/">Blog</a> <a href="/tags/">Tags</a> <a href="/categories/">Categories</a></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>&copy; {{ now.Year }} {{ site.Title }}</footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
&middot; {{ .ReadingTime }} min read &middot; {{ .WordCount }} words</p>
{{ with .GetTerms "categories" }}<p class="categories">{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
<nav class="toc">{{ .TableOfContents }}</nav>
{{ .Content }}
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
<nav class="prev-next">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pager := .Paginator }}
<ul class="posts">
{{ range $pager.Pages }}
<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
<p>{{ .Description }}</p>
<div class="summary">{{ .Summary }}</div></li>
{{ end }}
</ul>
{{ partial "pager.html" $pager }}
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ .Content }}
<h2>Latest posts</h2>
<ul class="posts">
{{ range first 10 (where site.RegularPages "Section" "blog") }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
<p>{{ .Description }}</p></li>
{{ end }}
</ul>
{{ end }}
""",
    "partials/pager.html": """\
{{ if gt .TotalPages 1 }}
<nav class="pagination">
{{ if .HasPrev }}<a rel="prev" href="{{ .Prev.URL }}">Newer</a>{{ end }}
<span>Page {{ .PageNumber }} of {{ .TotalPages }}</span>
{{ if .HasNext }}<a rel="next" href="{{ .Next.URL }}">Older</a>{{ end }}
</nav>
{{ end }}
""",
    # Heading anchors, as Rounds adds to every heading.
    "_default/_markup/render-heading.html": """\
<h{{ .Level }} id="{{ .Anchor | safeURL }}">{{ .Text | safeHTML }} <a class="anchor" href="#{{ .Anchor | safeURL }}" aria-label="Anchor">#</a></h{{ .Level }}>
""",
    # Atom feed, as Rounds writes atom.xml beside rss.xml.
    "_default/list.atom.xml": """\
{{- $pages := .Pages -}}
{{- if .IsHome }}{{ $pages = site.RegularPages }}{{ end -}}
{{- $limit := site.Config.Services.RSS.Limit -}}
{{- if ge $limit 1 }}{{ $pages = $pages | first $limit }}{{ end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ site.LanguageCode }}">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ site.Title }}</title>
<link rel="self" type="application/atom+xml" href="{{ .Permalink }}atom.xml"/>
<link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
<id>{{ .Permalink }}</id>
<updated>{{ now.Format "2006-01-02T15:04:05-07:00" }}</updated>
{{- range $pages }}
<entry>
<title>{{ .Title }}</title>
<link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
<id>{{ .Permalink }}</id>
<published>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</published>
<updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}</updated>
<summary type="html">{{ .Summary | html }}</summary>
</entry>
{{- end }}
</feed>
""",
}

HUGO_STATIC = {"style.css": "body{font-family:sans-serif;max-width:42rem;margin:auto}\n"}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(n: int, outdir: Path, seed: int, hugo_pagination: str = "auto", warnings: bool = False) -> None:
    rounds = outdir / "rounds"
    hugo = outdir / "hugo"
    for d in (rounds, hugo):
        if d.exists():
            shutil.rmtree(d)

    write(rounds / "config.toml", ROUNDS_CONFIG)
    write(rounds / "data/doctors.toml", '[lee]\nname = "Dr. Sam Lee"\ncredentials = "MD"\n')
    write(rounds / "content/_index.md", '+++\ntitle = "Home"\n+++\n')
    write(rounds / "content/blog/_index.md", '+++\ntitle = "Blog"\npaginate_by = 10\n+++\n')

    write(hugo / "hugo.toml", hugo_config(hugo_pagination))
    write(hugo / "content/_index.md", '+++\ntitle = "Home"\n+++\n')
    write(hugo / "content/blog/_index.md", '+++\ntitle = "Blog"\n+++\n')
    for rel, text in HUGO_LAYOUTS.items():
        write(hugo / "layouts" / rel, text)
    for rel, text in HUGO_STATIC.items():
        write(hugo / "static" / rel, text)

    rblog = rounds / "content/blog"
    hblog = hugo / "content/blog"
    for i in range(1, n + 1):
        post = make_post(i, n, seed)
        if warnings:
            post = migrate(post, seed)
        (rblog / f"{post['name']}.md").write_text(render_post(post, "rounds"), encoding="utf-8")
        (hblog / f"{post['name']}.md").write_text(render_post(post, "hugo"), encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of posts")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--hugo-pagination",
        choices=["auto", "paginate", "pagerSize"],
        default="auto",
        help="Hugo pagination config style; auto asks the installed hugo (>= 0.128: pagerSize)",
    )
    ap.add_argument(
        "--warnings",
        action="store_true",
        help="write the posts as a migrated site: they build, with about six warnings each",
    )
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    generate(args.n, args.outdir, args.seed, args.hugo_pagination, args.warnings)
    flavour = " (a migrated site, with warnings)" if args.warnings else ""
    print(f"wrote {args.n} posts{flavour} to {args.outdir}/rounds and {args.outdir}/hugo")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
