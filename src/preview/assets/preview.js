// The preview page: the brochure in spreads and the deck as a grid, each page an image that
// is replaced in place when a save changes it.
"use strict";

const panes = {
  brochure: document.getElementById("brochure"),
  slides: document.getElementById("slides"),
};
const bleedBox = document.getElementById("bleed");
let shown = "brochure";
// The tab the reader picked (or the address named); until then a tab with no pages yields.
let chosen = location.hash.length > 1;

// The brochure as it is bound: the cover alone, then facing pages, the back cover alone.
function spreads(count) {
  const out = [[0]];
  for (let i = 1; i < count; i += 2) out.push(i + 1 < count ? [i, i + 1] : [i]);
  return count ? out : [];
}

// Sizes a page's frame to its trim or, with bleed shown, to the bleed with the trim drawn.
// The image shows more (the room for crop marks): the frame crops it.
function fit(figure, info) {
  const [l, t, r, b] = info.margin;
  const bleed = bleedBox.checked ? info.bleed : 0;
  const w = info.width + 2 * bleed;
  const h = info.height + 2 * bleed;
  const sheet = figure.querySelector(".sheet");
  const img = sheet.querySelector("img");
  const trim = sheet.querySelector(".trim");
  figure.classList.toggle("with-bleed", bleed > 0);
  sheet.style.aspectRatio = w + " / " + h;
  Object.assign(img.style, {
    width: ((info.width + l + r) / w) * 100 + "%",
    left: ((bleed - l) / w) * 100 + "%",
    top: ((bleed - t) / h) * 100 + "%",
  });
  Object.assign(trim.style, {
    left: (bleed / w) * 100 + "%",
    top: (bleed / h) * 100 + "%",
    width: (info.width / w) * 100 + "%",
    height: (info.height / h) * 100 + "%",
  });
}

function figureFor(kind, index) {
  const figure = document.createElement("figure");
  figure.className = "page";
  figure.dataset.kind = kind;
  figure.dataset.index = index;
  const sheet = document.createElement("div");
  sheet.className = "sheet";
  const img = document.createElement("img");
  img.alt = (kind === "slides" ? "Slide " : "Page ") + (index + 1);
  const trim = document.createElement("div");
  trim.className = "trim";
  sheet.append(img, trim);
  const caption = document.createElement("figcaption");
  caption.textContent = index + 1;
  figure.append(sheet, caption);
  figure.addEventListener("click", () => openLarge(kind, Number(figure.dataset.index)));
  return figure;
}

// Builds a pane's frames when the page count changes; otherwise only changed images move.
function render(kind, pages, state) {
  const pane = panes[kind];
  document.getElementById("count-" + kind).textContent = pages ? pages.length : "";
  if (!pages) {
    pane.innerHTML = state.building
      ? '<p class="empty">Building…</p>'
      : state.errors.length
        ? '<p class="empty">No pages yet: fix the error and save.</p>'
        : '<p class="empty">Not built in this session (<code>--only</code> leaves it out).</p>';
    return;
  }
  let figures = pane.querySelectorAll("figure.page");
  if (figures.length !== pages.length) {
    pane.replaceChildren();
    const groups = kind === "brochure" ? spreads(pages.length) : pages.map((_, i) => [i]);
    for (const group of groups) {
      const holder = kind === "brochure" ? document.createElement("div") : pane;
      if (kind === "brochure") {
        holder.className = "spread" + (group.length === 1 ? (group[0] === 0 ? " right" : " left") : "");
        pane.append(holder);
      }
      for (const i of group) holder.append(figureFor(kind, i));
    }
    figures = pane.querySelectorAll("figure.page");
  }
  pages.forEach((info, i) => {
    const figure = figures[i];
    fit(figure, info);
    if (figure.dataset.look === info.look) return;
    const replacing = Boolean(figure.dataset.look);
    figure.dataset.look = info.look;
    const img = figure.querySelector("img");
    folio.swap(img, folio.pageUrl(kind, info.look), () => {
      if (replacing) folio.swaps += 1;
      img.dataset.look = info.look;
    });
  });
}

function showWarnings(warnings) {
  const section = document.getElementById("warnings");
  section.hidden = warnings.length === 0;
  document.getElementById("warnings-summary").textContent =
    warnings.length + (warnings.length === 1 ? " warning" : " warnings");
  document.getElementById("warnings-list").replaceChildren(
    ...warnings.map((w) => {
      const li = document.createElement("li");
      li.textContent = w.short;
      li.title = w.detail;
      return li;
    }),
  );
}

function select(tab) {
  shown = tab in panes ? tab : "brochure";
  for (const [name, pane] of Object.entries(panes)) pane.hidden = name !== shown;
  for (const b of document.querySelectorAll("[data-tab]"))
    b.setAttribute("aria-selected", String(b.dataset.tab === shown));
  document.getElementById("bleed-toggle").hidden = shown !== "brochure";
  if (location.hash !== "#" + shown) history.replaceState(null, "", "#" + shown);
}

// A page opened large; ← and → move through the pages, Escape closes.
const lightbox = document.getElementById("lightbox");
let opened = null;
function openLarge(kind, index) {
  const pages = folio.state && folio.state[kind];
  if (!pages || !pages[index]) return;
  opened = { kind, index };
  const img = document.getElementById("lightbox-image");
  folio.swap(img, folio.pageUrl(kind, pages[index].look, true));
  img.alt = (kind === "slides" ? "Slide " : "Page ") + (index + 1);
  document.getElementById("lightbox-caption").textContent =
    (kind === "slides" ? "Slide " : "Page ") + (index + 1) + " of " + pages.length;
  lightbox.hidden = false;
}
lightbox.addEventListener("click", () => { lightbox.hidden = true; opened = null; });
document.addEventListener("keydown", (e) => {
  if (!opened) return;
  if (e.key === "Escape") { lightbox.hidden = true; opened = null; }
  else if (e.key === "ArrowRight") openLarge(opened.kind, opened.index + 1);
  else if (e.key === "ArrowLeft") openLarge(opened.kind, opened.index - 1);
});

for (const b of document.querySelectorAll("[data-tab]"))
  b.addEventListener("click", () => { chosen = true; select(b.dataset.tab); });
bleedBox.addEventListener("change", () => folio.state && update(folio.state));
select(location.hash.slice(1));

function update(state) {
  document.getElementById("title").textContent = state.title || "folio";
  document.title = (state.title ? state.title + " · " : "") + "folio preview";
  // `watch --only slides`: show the deck rather than an empty brochure tab.
  if (!chosen && !state.brochure && state.slides && shown === "brochure") select("slides");
  render("brochure", state.brochure, state);
  render("slides", state.slides, state);
  showWarnings(state.warnings);
  folio.showErrors(state.errors);
  if (opened) openLarge(opened.kind, opened.index);
}
folio.live(update);
