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

function renderTurns(container, turns) {
  container.innerHTML = "";
  for (const t of turns) appendTurn(container, t);
}

function appendTurn(container, t) {
  const div = document.createElement("div");
  const who = t.speaker === "candidate" ? "Candidate" : "Interviewer";
  div.className = "turn " + (t.speaker === "candidate" ? "candidate" : "interviewer") + (t.kind === "code" ? " code" : "");
  div.dataset.kind = t.kind;
  div.innerHTML = `<span class="who">${who} · ${esc(t.kind.replace(/_/g, " "))}${t.source === "llm" ? " · LLM" : ""}</span>${esc(t.text)}`;
  container.appendChild(div);
  container.scrollTop = container.scrollHeight;
}
