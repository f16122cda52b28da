"""`folio watch --serve` in a real browser (Debian's Chromium, driven by Playwright).

Run by tests/preview.rs against a running `folio watch --serve` on a copy of the sample:
  preview.py URL PROJECT BROCHURE_PAGES SLIDES SHOTS_DIR
It counts the page images, edits a paragraph and sees the changed page replaced in place,
saves broken YAML and sees the overlay (on an open page and on one opened after), fixes it,
then presents: → moves the presenter and the audience window to slide 2 with its notes, and
both stay on their slide when the deck is rebuilt. It prints what it saw as one JSON line.
"""

import json
import pathlib
import sys

from playwright.sync_api import sync_playwright

URL, PROJECT, BROCHURE, SLIDES, SHOTS = sys.argv[1:6]
PROJECT = pathlib.Path(PROJECT)
SHOTS = pathlib.Path(SHOTS)
BROCHURE, SLIDES = int(BROCHURE), int(SLIDES)
WAIT = 60_000
seen = {}


def edit(name, old, new):
    """Saves a content file with `old` replaced, as an editor does (write, then rename)."""
    path = PROJECT / "content" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    tmp = path.with_name("." + name + ".tmp")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    tmp.replace(path)


# What the browser reported, printed when a step fails.
reported = []


def settled(page, pane):
    """Every page image of a pane shows the look the state names, decoded."""
    try:
        wait_settled(page, pane)
    except Exception:
        unsettled = page.evaluate(
            """(pane) => [...document.querySelectorAll(`#${pane} figure.page`)].map((f) => {
                const img = f.querySelector('img');
                return [f.dataset.index, f.dataset.look, img.dataset.look, img.getAttribute('src'),
                        img.dataset.want, img.complete, img.naturalWidth];
            })""",
            pane,
        )
        print("unsettled", pane, json.dumps(unsettled), json.dumps(reported), file=sys.stderr)
        raise


def wait_settled(page, pane):
    page.wait_for_function(
        """(pane) => {
            const figs = [...document.querySelectorAll(`#${pane} figure.page`)];
            return figs.length > 0 && figs.every((f) => {
                const img = f.querySelector('img');
                return img.dataset.look === f.dataset.look && img.complete && img.naturalWidth > 0;
            });
        }""",
        arg=pane,
        timeout=WAIT,
    )


def looks(page, pane):
    return page.evaluate(
        "(pane) => [...document.querySelectorAll(`#${pane} figure.page img`)].map((i) => i.dataset.look)",
        pane,
    )


with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("console", lambda m: reported.append("console: " + m.text))
    page.on("requestfailed", lambda r: reported.append("failed: " + r.url))
    page.on("response", lambda r: r.status >= 400 and reported.append(f"{r.status}: {r.url}"))
    # Not "load": that waits for every page image the first state names, which under a busy
    # machine outlasted playwright's 30 s default once; the waits below check the images.
    page.goto(URL, wait_until="domcontentloaded", timeout=WAIT)

    # 1. The brochure's pages and the deck's slides, each an image.
    page.wait_for_function(
        "(n) => document.querySelectorAll('#brochure figure.page').length === n", arg=BROCHURE, timeout=WAIT
    )
    settled(page, "brochure")
    settled(page, "slides")
    seen["brochure_images"] = page.evaluate("document.querySelectorAll('#brochure figure.page img').length")
    seen["slide_images"] = page.evaluate("document.querySelectorAll('#slides figure.page img').length")
    assert seen["brochure_images"] == BROCHURE, seen
    assert seen["slide_images"] == SLIDES, seen
    # Spreads: the cover alone, then facing pages.
    seen["spreads"] = page.evaluate(
        "[...document.querySelectorAll('#brochure .spread')].map((s) => s.querySelectorAll('figure').length)"
    )
    assert seen["spreads"][0] == 1 and seen["spreads"][1] == 2, seen
    page.screenshot(path=str(SHOTS / "preview.png"))
    page.check("#bleed")
    seen["bleed_shown"] = page.evaluate("document.querySelectorAll('#brochure .with-bleed').length")
    assert seen["bleed_shown"] == BROCHURE, seen
    page.uncheck("#bleed")

    # 2. An edit: the changed pages' images are replaced in place, the others kept, the view
    # stays where it was.
    page.evaluate("window.scrollTo(0, 1500)")
    scrolled = page.evaluate("window.scrollY")
    before = looks(page, "brochure")
    slides_before = looks(page, "slides")
    swaps = page.evaluate("folio.swaps")
    edit("01-leadership.yaml", "青年讲师团获", "太原青年讲师团获")
    page.wait_for_function("(n) => folio.swaps > n", arg=swaps, timeout=WAIT)
    settled(page, "brochure")
    after = looks(page, "brochure")
    changed = [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a != b]
    seen["changed_pages"] = changed
    assert changed, "no page image was replaced"
    assert 1 not in changed and 2 not in changed, f"pages before the edit were redrawn: {changed}"
    assert len(changed) < BROCHURE, changed
    assert page.evaluate("window.scrollY") == scrolled, "the view moved"
    # The paragraph's end is not on a slide: the deck's images are all kept.
    settled(page, "slides")
    assert looks(page, "slides") == slides_before, "slides were redrawn for a brochure-only edit"

    # 3. Broken YAML: the overlay with the terminal's file:line, also on a page opened now.
    edit("02-organisation.yaml", "paragraphs:", "paragraphs: [")
    page.wait_for_selector("#error:not([hidden])", timeout=WAIT)
    overlay = page.inner_text("#error")
    seen["overlay"] = overlay
    assert "content/02-organisation.yaml:" in overlay, overlay
    page.screenshot(path=str(SHOTS / "preview-error.png"))
    late = context.new_page()
    late.goto(URL, wait_until="domcontentloaded", timeout=WAIT)
    late.wait_for_selector("#error:not([hidden])", timeout=WAIT)
    assert "content/02-organisation.yaml:" in late.inner_text("#error")
    edit("02-organisation.yaml", "paragraphs: [", "paragraphs:")
    page.wait_for_selector("#error", state="hidden", timeout=WAIT)
    late.wait_for_selector("#error", state="hidden", timeout=WAIT)
    late.close()

    # 4. Presenting: → and PageDown move the presenter and the audience window together.
    present = context.new_page()
    present.goto(URL.rstrip("/") + "/present", wait_until="domcontentloaded", timeout=WAIT)
    present.wait_for_function(
        "folio.state && document.getElementById('counter').textContent === '1 / ' + folio.state.slides.length",
        timeout=WAIT,
    )
    with present.expect_popup() as opened:
        present.click("#audience")
    audience = opened.value
    audience.wait_for_function("document.getElementById('current').dataset.slide === '1'", timeout=WAIT)
    present.keyboard.press("ArrowRight")
    present.wait_for_function(
        """() => {
            const img = document.getElementById('current');
            return folio.state && document.getElementById('counter').textContent === '2 / ' + folio.state.slides.length
                && img.dataset.look === folio.state.slides[1].look && img.naturalWidth > 0;
        }""",
        timeout=WAIT,
    )
    def notes_shown(n):
        """The notes box shows slide n's notes (or says it has none)."""
        notes = present.evaluate("(i) => folio.state.notes[i]", n - 1).strip()
        shown = present.inner_text("#notes").strip()
        assert shown == (notes or "No notes for this slide."), (n, notes, shown)
        return notes

    seen["notes_2"] = notes_shown(2)
    audience.wait_for_function(
        "() => folio.state && document.getElementById('current').dataset.slide === '2' && document.getElementById('current').dataset.look === folio.state.slides[1].look",
        timeout=WAIT,
    )
    present.keyboard.press("PageDown")
    audience.wait_for_function("document.getElementById('current').dataset.slide === '3'", timeout=WAIT)
    present.wait_for_function("document.getElementById('counter').textContent.startsWith('3 /')", timeout=WAIT)
    # The test's project gives the introduction notes: they open slide 3.
    seen["notes_3"] = notes_shown(3)
    assert seen["notes_3"], "slide 3 has no notes"
    present.screenshot(path=str(SHOTS / "presenter.png"))

    # 5. The deck is rebuilt (a figure on slide 2 or later changes): both stay on slide 3.
    version = present.evaluate("folio.state.version")
    edit("01-leadership.yaml", 'label: "青年讲师团理论宣讲活动"', 'label: "青年讲师团宣讲活动"')
    present.wait_for_function("(v) => folio.state.version > v && !folio.state.building", arg=version, timeout=WAIT)
    present.wait_for_timeout(300)
    assert present.inner_text("#counter").startswith("3 /"), present.inner_text("#counter")
    assert audience.evaluate("document.getElementById('current').dataset.slide") == "3"
    audience.screenshot(path=str(SHOTS / "audience.png"))
    browser.close()

print(json.dumps(seen, ensure_ascii=False))
