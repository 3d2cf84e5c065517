// Shared page helpers: JSON API calls with the CSRF header, escaping, and the top bar.
"use strict";

function cookie(name) {
  const m = document.cookie.split(";").map(s => s.trim()).find(s => s.startsWith(name + "="));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : "";
}

async function api(method, url, body) {
  const headers = { "Accept": "application/json" };
  const csrf = cookie("iv_csrf");
  if (csrf) headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  if (!res.ok) {
    const err = new Error((data && data.error) || ("request failed with status " + res.status));
    err.status = res.status;
    err.data = data;
    throw err;
  }
  return data;
}

function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function $(sel) { return document.querySelector(sel); }

function showError(el, e) { el.textContent = e ? (e.message || String(e)) : ""; }

async function topBar() {
  const bar = $("#top-nav");
  if (!bar) return null;
  try {
    const me = await api("GET", "/api/auth/me");
    bar.innerHTML = `<span class="muted">${esc(me.name)} (${esc(me.role)})</span> <button class="secondary" id="logout" style="margin:0">Sign out</button>`;
    $("#logout").onclick = async () => { await api("POST", "/api/auth/logout"); location.href = "/"; };
    return me;
  } catch (_) {
    bar.innerHTML = `<a href="/login">Sign in</a>`;
    return null;
  }
}

// The organization's own notice beside the consent buttons, word for word, with its version.
function showNotice(notice) {
  const el = $("#notice");
  if (!el || !notice) return;
  $("#notice-text").textContent = notice.text;
  $("#notice-version").textContent = `version ${notice.version}`;
  el.hidden = false;
}

// Turns of interview `interviewId`; a spoken answer gets a player for its recording.
function renderTurns(container, turns, interviewId) {
  container.innerHTML = "";
  for (const t of turns) appendTurn(container, t, interviewId);
}

function appendTurn(container, t, interviewId) {
  const div = document.createElement("div");
  const who = t.speaker === "candidate" ? "Candidate" : "Interviewer";
  div.className = "turn " + (t.speaker === "candidate" ? "candidate" : "interviewer") + (t.kind === "code" ? " code" : "");
  div.dataset.kind = t.kind;
  div.dataset.seq = t.seq;
  if (t.id != null) div.id = "turn-" + t.id;
  const spoken = t.spoken ? " · spoken" : "";
  const body = t.words && t.words.length ? wordSpans(t.text, t.words) : esc(t.text);
  div.innerHTML = `<span class="who">${who} · ${esc(t.kind.replace(/_/g, " "))}${t.source === "llm" ? " · LLM" : ""}${spoken}</span>${body}`;
  if (t.spoken && interviewId) {
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.preload = "none";
    audio.src = `/api/interviews/${encodeURIComponent(interviewId)}/turns/${t.seq}/recording`;
    audio.setAttribute("aria-label", "Recording of this answer");
    div.appendChild(audio);
    followWords(div, audio);
  }
  container.appendChild(div);
  container.scrollTop = container.scrollHeight;
}

// The turn's text with each timed word wrapped where it occurs, so the text reads the same
// and playback can mark the word being said; words not found in the text are left out.
function wordSpans(text, words) {
  let out = "", at = 0;
  for (const w of words) {
    const token = String(w.text || "").trim();
    if (!token) continue;
    const i = text.indexOf(token, at);
    if (i < 0) continue;
    out += esc(text.slice(at, i)) + `<span class="w" data-start="${Number(w.start)}" data-end="${Number(w.end)}">${esc(token)}</span>`;
    at = i + token.length;
  }
  return out + esc(text.slice(at));
}

// While `audio` plays, the word being said is marked; a click on a word plays from it.
function followWords(div, audio) {
  const spans = [...div.querySelectorAll("span.w")];
  if (!spans.length) return;
  const mark = () => {
    const t = audio.currentTime;
    for (const s of spans) s.classList.toggle("now", t >= Number(s.dataset.start) && t < Number(s.dataset.end));
    if (!audio.paused) requestAnimationFrame(mark);
  };
  audio.addEventListener("play", () => requestAnimationFrame(mark));
  audio.addEventListener("seeked", mark);
  for (const s of spans) s.onclick = () => playFrom(audio, Number(s.dataset.start));
}

// Plays `audio` from `secs`; a recording not loaded yet (preload none) is loaded first, since
// a seek before its metadata arrives is lost.
function playFrom(audio, secs) {
  const go = () => { audio.currentTime = secs; audio.play().catch(() => {}); };
  if (audio.readyState >= 1) go();
  else { audio.addEventListener("loadedmetadata", go, { once: true }); audio.load(); }
}

// 16-bit mono WAV bytes of `samples` (floats in -1..1).
function encodeWav(samples, rate) {
  const buf = new ArrayBuffer(44 + samples.length * 2);
  const v = new DataView(buf);
  const text = (at, s) => { for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  text(0, "RIFF"); v.setUint32(4, 36 + samples.length * 2, true); text(8, "WAVE");
  text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  text(36, "data"); v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-1, Math.min(1, samples[i]));
    v.setInt16(44 + i * 2, Math.round(x * 32767), true);
  }
  return new Blob([buf], { type: "audio/wav" });
}

// What MediaRecorder captured (WebM/Opus, or whatever the browser makes), decoded by the
// browser and rendered to 16 kHz mono: the form the speech stages take.
async function recordingToWav(blob) {
  const ctx = new AudioContext();
  let decoded;
  try { decoded = await ctx.decodeAudioData(await blob.arrayBuffer()); } finally { ctx.close(); }
  const rate = 16000;
  const off = new OfflineAudioContext(1, Math.max(1, Math.ceil(decoded.duration * rate)), rate);
  const src = off.createBufferSource();
  src.buffer = decoded;
  src.connect(off.destination);
  src.start();
  const rendered = await off.startRendering();
  return encodeWav(rendered.getChannelData(0), rate);
}

// Integrity signals for the reviewer (never scored): a large paste into the code editor, and
// the page hidden and shown again. Failures to record are ignored: the interview goes on.
function watchIntegrity(interviewId, codeEl) {
  const send = body => api("POST", `/api/interviews/${encodeURIComponent(interviewId)}/signals`, body).catch(() => {});
  if (codeEl) codeEl.addEventListener("paste", ev => {
    const chars = (ev.clipboardData && ev.clipboardData.getData("text") || "").length;
    if (chars >= 200) send({ kind: "paste", chars });
  });
  let hiddenAt = null;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { hiddenAt = Date.now(); send({ kind: "focus_lost" }); }
    else if (hiddenAt !== null) { send({ kind: "focus_returned", away_secs: (Date.now() - hiddenAt) / 1000 }); hiddenAt = null; }
  });
}
