// The state folio sends (pages, notes, errors), kept live over Server-Sent Events; shared by
// the preview, the presenter and the audience window.
"use strict";

window.folio = {
  // The latest state, and how many page images were replaced after a save (read by tests).
  state: null,
  swaps: 0,

  live(onState) {
    const status = document.getElementById("status");
    const say = (text, kind) => {
      if (!status) return;
      status.textContent = text;
      status.dataset.kind = kind || "";
    };
    const events = new EventSource("/events");
    events.onmessage = (e) => {
      const state = JSON.parse(e.data);
      if (folio.state && state.version <= folio.state.version) return;
      folio.state = state;
      if (state.building) say("rendering…", "busy");
      else if (state.errors.length) say("error in the last save", "error");
      else say("up to date · " + new Date().toLocaleTimeString(), "ok");
      onState(state);
    };
    events.onerror = () => say("folio is not answering: is `folio watch --serve` running?", "error");
  },

  pageUrl(kind, look, large) {
    return "/" + (large ? "large" : "page") + "/" + kind + "/" + look + ".png";
  },

  // Puts the image at `url` in place of `img` once it is decoded (no blank flash, same size),
  // unless another image was asked for meanwhile. Returns the image shown.
  swap(img, url, done) {
    if (img.dataset.want === url) return;
    img.dataset.want = url;
    if (!img.getAttribute("src")) {
      img.addEventListener("load", () => {
        if (img.dataset.want !== url) return;
        img.dataset.loaded = "1";
        if (done) done(img);
      }, { once: true });
      img.src = url;
      return;
    }
    const next = new Image();
    next.src = url;
    next.decode().catch(() => {}).then(() => {
      if (img.dataset.want !== url) return;
      img.src = url;
      img.dataset.loaded = "1";
      if (done) done(img);
    });
  },

  // The overlay over the pages while the last save has errors.
  showErrors(errors) {
    const overlay = document.getElementById("error");
    if (!overlay) return;
    const list = document.getElementById("error-list");
    list.replaceChildren(...errors.map((e) => {
      const item = document.createElement("div");
      item.className = "message";
      const short = document.createElement("p");
      short.className = "short";
      short.textContent = e.short;
      item.append(short);
      if (e.detail) {
        const pre = document.createElement("pre");
        pre.textContent = e.detail;
        item.append(pre);
      }
      return item;
    }));
    overlay.hidden = errors.length === 0;
  },
};
