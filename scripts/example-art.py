#!/usr/bin/env python3
"""Draws the example site's doctor portraits and clinic picture: stylised
illustrations (no real people), written as SVG and rendered to PNG with
headless Chromium into example-site/static/images/. Run from the repository:

    python3 scripts/example-art.py
"""
import os
import subprocess
import tempfile

WORK = tempfile.mkdtemp()


def portrait(bg, skin, hair, coat, shirt, style):
    hair_back = {
      'bun': f'<circle cx="100" cy="52" r="20" fill="{hair}"/><ellipse cx="100" cy="92" rx="42" ry="46" fill="{hair}"/>',
      'short': f'<ellipse cx="100" cy="80" rx="38" ry="36" fill="{hair}"/>',
      'long': f'<path d="M56 90 Q52 40 100 38 Q148 40 144 90 L150 150 Q100 160 50 150 Z" fill="{hair}"/>',
    }[style]
    hair_front = {
      'bun': f'<path d="M62 88 Q64 50 100 50 Q136 50 138 88 Q120 66 100 68 Q80 66 62 88 Z" fill="{hair}"/>',
      'short': f'<path d="M64 86 Q62 52 100 50 Q138 52 136 86 Q124 70 100 70 Q76 70 64 86 Z" fill="{hair}"/>',
      'long': f'<path d="M62 92 Q60 50 100 48 Q140 50 138 92 Q128 64 104 64 Q84 70 62 92 Z" fill="{hair}"/>',
    }[style]
    beard = f'<path d="M74 108 Q76 136 100 140 Q124 136 126 108 Q118 126 100 127 Q82 126 74 108 Z" fill="{hair}"/>' if style=='short' else ''
    return f'''<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 200 200">
<defs><radialGradient id="g" cx="50%" cy="35%" r="75%"><stop offset="0" stop-color="#fff8ee"/><stop offset="1" stop-color="{bg}"/></radialGradient></defs>
<rect width="200" height="200" fill="url(#g)"/>
<circle cx="30" cy="40" r="10" fill="#ffffff" opacity=".35"/><circle cx="170" cy="60" r="14" fill="#ffffff" opacity=".3"/><circle cx="160" cy="170" r="8" fill="#ffffff" opacity=".3"/>
{hair_back}
<path d="M30 200 Q34 150 78 140 L122 140 Q166 150 170 200 Z" fill="{coat}"/>
<path d="M84 140 L100 172 L116 140 Z" fill="{shirt}"/>
<path d="M84 140 L100 172 L92 200 L76 200 Z" fill="#ffffff" opacity=".9"/><path d="M116 140 L100 172 L108 200 L124 200 Z" fill="#ffffff" opacity=".9"/>
<path d="M70 160 Q64 180 72 192" stroke="#5b6b7a" stroke-width="3" fill="none"/><circle cx="73" cy="194" r="4" fill="#5b6b7a"/>
<rect x="90" y="118" width="20" height="26" rx="8" fill="{skin}"/>
<ellipse cx="100" cy="96" rx="32" ry="37" fill="{skin}"/>
<ellipse cx="68" cy="98" rx="5" ry="8" fill="{skin}"/><ellipse cx="132" cy="98" rx="5" ry="8" fill="{skin}"/>
{hair_front}
<ellipse cx="87" cy="96" rx="3.2" ry="4" fill="#3a2a22"/><ellipse cx="113" cy="96" rx="3.2" ry="4" fill="#3a2a22"/>
<path d="M81 87 Q87 83 93 87" stroke="#3a2a22" stroke-width="2" fill="none" stroke-linecap="round"/><path d="M107 87 Q113 83 119 87" stroke="#3a2a22" stroke-width="2" fill="none" stroke-linecap="round"/>
<ellipse cx="80" cy="108" rx="6" ry="3.5" fill="#e8837a" opacity=".45"/><ellipse cx="120" cy="108" rx="6" ry="3.5" fill="#e8837a" opacity=".45"/>
{beard}
<path d="M88 113 Q100 123 112 113" stroke="#8a3b34" stroke-width="2.6" fill="none" stroke-linecap="round"/>
</svg>'''
open(os.path.join(WORK, 'patel.svg'), 'w').write(portrait('#f4b183','#b9825c','#2b1d17','#ffffff','#3f7f8c','bun'))
open(os.path.join(WORK, 'okafor.svg'), 'w').write(portrait('#9fcfc0','#6b4430','#1d1512','#ffffff','#a3123a','short'))
open(os.path.join(WORK, 'lindqvist.svg'), 'w').write(portrait('#c9b6e4','#f1cfb5','#d9b25f','#ffffff','#2f6d4f','long'))
open(os.path.join(WORK, 'clinic.svg'), 'w').write('''<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="750" viewBox="0 0 480 300">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffd9a8"/><stop offset="1" stop-color="#fff4e4"/></linearGradient></defs>
<rect width="480" height="300" fill="url(#sky)"/>
<circle cx="390" cy="70" r="34" fill="#ffb86b" opacity=".8"/>
<path d="M0 210 Q120 180 240 205 T480 200 L480 300 L0 300 Z" fill="#b7d7a8"/>
<rect x="120" y="100" width="240" height="130" rx="6" fill="#f6efe6"/>
<rect x="120" y="90" width="240" height="18" rx="4" fill="#a3123a"/>
<text x="240" y="104" font-family="sans-serif" font-size="11" font-weight="700" fill="#fff" text-anchor="middle">RIVERSIDE HEART &amp; VASCULAR</text>
<g fill="#8fc1d4" stroke="#5b8fa3" stroke-width="1.5">
<rect x="138" y="122" width="36" height="28" rx="3"/><rect x="186" y="122" width="36" height="28" rx="3"/><rect x="258" y="122" width="36" height="28" rx="3"/><rect x="306" y="122" width="36" height="28" rx="3"/>
<rect x="138" y="166" width="36" height="28" rx="3"/><rect x="306" y="166" width="36" height="28" rx="3"/></g>
<rect x="214" y="168" width="52" height="62" rx="4" fill="#7a4b32"/><rect x="238" y="168" width="4" height="62" fill="#5e3826"/>
<path d="M236 148 c-6-8-18-2-12 8 l12 10 l12-10 c6-10-6-16-12-8z" fill="#a3123a"/>
<rect x="200" y="228" width="80" height="8" fill="#d8cbb8"/>
<path d="M230 236 L210 300 L270 300 L250 236 Z" fill="#e9dcc8"/>
<g><rect x="70" y="170" width="8" height="50" fill="#7a5a3a"/><circle cx="74" cy="160" r="30" fill="#6fae6a"/><circle cx="60" cy="170" r="18" fill="#5f9e5b"/></g>
<g><rect x="404" y="176" width="8" height="44" fill="#7a5a3a"/><circle cx="408" cy="164" r="26" fill="#6fae6a"/><circle cx="422" cy="174" r="16" fill="#5f9e5b"/></g>
<g fill="#f28b82"><circle cx="140" cy="232" r="5"/><circle cx="154" cy="236" r="5"/><circle cx="326" cy="232" r="5"/><circle cx="340" cy="236" r="5"/></g>
<g fill="#5f9e5b"><ellipse cx="147" cy="240" rx="16" ry="6"/><ellipse cx="333" cy="240" rx="16" ry="6"/></g>
</svg>''')

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "example-site", "static", "images")
for name, size, to in [
    ("patel", (480, 480), "doctors/patel.png"),
    ("okafor", (480, 480), "doctors/okafor.png"),
    ("lindqvist", (480, 480), "doctors/lindqvist.png"),
    ("clinic", (1200, 750), "clinic-building.png"),
]:
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={size[0]},{size[1]}", f"--screenshot={os.path.join(OUT, to)}",
         "file://" + os.path.join(WORK, name + ".svg")],
        check=True, stderr=subprocess.DEVNULL)
