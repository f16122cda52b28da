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
  // unless another image was asked for meanwhile. A failed load (folio busy or restarting)
  // is tried again, a little later each time.
  swap(img, url, done, attempt = 0) {
    if (attempt === 0 && img.dataset.want === url) return;
    img.dataset.want = url;
    const retry = () => {
      if (img.dataset.want !== url || attempt >= 8) return;
      setTimeout(() => folio.swap(img, url, done, attempt + 1), 250 * (attempt + 1));
    };
    // A retry asks again past anything the browser kept of the failure.
    const src = attempt ? url + "?try=" + attempt : url;
    // Held by the element until it is shown: an unreferenced image may be collected before it
    // loads, and then it never says so.
    const next = (img.preloading = new Image());
    // Asked again should nothing come of it (a request lost while folio was busy).
    const watchdog = setTimeout(() => {
      if (img.preloading === next) retry();
    }, 5000);
    const show = () => {
      clearTimeout(watchdog);
      if (img.preloading === next) img.preloading = null;
      if (img.dataset.want !== url) return;
      img.src = src;
      img.dataset.loaded = "1";
      if (done) done(img);
    };
    // Loaded, then decoded off screen before it replaces the old image (a browser may put
    // off decoding an image it does not show: half a second at most is waited for it).
    next.onload = () => {
      const waited = new Promise((resolve) => setTimeout(resolve, 500));
      Promise.race([next.decode().catch(() => {}), waited]).then(show);
    };
    next.onerror = () => {
      clearTimeout(watchdog);
      retry();
    };
    next.src = src;
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
