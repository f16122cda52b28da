// The presenter view (`/present`) and the audience window (`/show`): both show the same
// slide, kept in step over a BroadcastChannel, and both stay on it when the deck is rebuilt.
"use strict";

const role = document.body.dataset.role;
const channel = new BroadcastChannel("folio-present");
let slide = 0;

function slides() {
  return (folio.state && folio.state.slides) || [];
}

function draw() {
  const pages = slides();
  if (!pages.length) return;
  slide = Math.max(0, Math.min(slide, pages.length - 1));
  const current = document.getElementById("current");
  current.alt = "Slide " + (slide + 1);
  current.dataset.slide = slide + 1;
  folio.swap(current, folio.pageUrl("slides", pages[slide].look, true), (img) => {
    img.dataset.look = pages[slide].look;
  });
  if (role !== "presenter") return;
  document.getElementById("counter").textContent = slide + 1 + " / " + pages.length;
  const next = document.getElementById("next");
  const last = slide + 1 >= pages.length;
  next.hidden = last;
  document.getElementById("end").hidden = !last;
  if (!last) folio.swap(next, folio.pageUrl("slides", pages[slide + 1].look));
  const notes = (folio.state.notes || [])[slide] || "";
  const box = document.getElementById("notes");
  box.textContent = notes || "No notes for this slide.";
  box.classList.toggle("none", !notes);
  // The slide after next, ready before it is needed.
  if (slide + 1 < pages.length) new Image().src = folio.pageUrl("slides", pages[slide + 1].look, true);
}

function go(to, tell = true) {
  const pages = slides();
  if (!pages.length) return;
  slide = Math.max(0, Math.min(to, pages.length - 1));
  draw();
  if (tell) channel.postMessage({ type: "goto", slide });
}

channel.onmessage = (e) => {
  if (e.data.type === "goto") go(e.data.slide, false);
  else if (e.data.type === "hello" && role === "presenter") channel.postMessage({ type: "goto", slide });
};

// What keyboards and presentation clickers send.
document.addEventListener("keydown", (e) => {
  const forward = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
  const back = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
  if (forward.includes(e.key)) go(slide + 1);
  else if (back.includes(e.key)) go(slide - 1);
  else if (e.key === "Home") go(0);
  else if (e.key === "End") go(slides().length - 1);
  else return;
  e.preventDefault();
});

if (role === "presenter") {
  let started = Date.now();
  const clock = document.getElementById("clock");
  const tick = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    const two = (n) => String(n).padStart(2, "0");
    clock.textContent = (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  };
  setInterval(tick, 1000);
  document.getElementById("reset").addEventListener("click", () => { started = Date.now(); tick(); });
  document.getElementById("prev").addEventListener("click", () => go(slide - 1));
  document.getElementById("forward").addEventListener("click", () => go(slide + 1));
  document.getElementById("audience").addEventListener("click", () => {
    window.open("/show", "folio-audience", "popup,width=1280,height=720");
  });
} else {
  document.addEventListener("dblclick", () => document.documentElement.requestFullscreen?.());
  channel.postMessage({ type: "hello" });
}

folio.live((state) => {
  const title = document.getElementById("title");
  if (title) title.textContent = state.title || "folio";
  document.title = (state.title || "folio") + (role === "presenter" ? " · presenter" : "");
  folio.showErrors(state.errors);
  draw();
});
