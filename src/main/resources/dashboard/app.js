// rollbridge dashboard: one EventSource, one card per device, everything drawn from MQTT messages.
"use strict";

const devices = new Map();   // id -> {el, info, state, series: [[t, kPa]], marks: [[t, type, severity, state]]}
let base = "rollbridge";
let info = null;
let token = new URLSearchParams(location.search).get("token") || localStorage.getItem("rollbridge-token");
if (token) localStorage.setItem("rollbridge-token", token);

const $ = (root, sel) => root.querySelector(sel);

function device(id) {
  if (devices.has(id)) return devices.get(id);
  const el = document.getElementById("device-template").content.firstElementChild.cloneNode(true);
  el.dataset.device = id;
  $(el, ".name").textContent = id;
  const pain = $(el, ".pain-level");
  for (let i = 0; i <= 10; i++) pain.add(new Option(i + "/10", i));
  pain.value = "5";
  el.querySelectorAll("button[data-command]").forEach(b =>
    b.addEventListener("click", () => send(id, JSON.parse(b.dataset.command))));
  $(el, ".send-pain").addEventListener("click", () => send(id, {pain: Number(pain.value)}));
  $(el, ".send-symptom").addEventListener("click", () => send(id, {symptom: $(el, ".symptom").value}));
  const main = document.getElementById("devices");
  const empty = $(main, ".empty");
  if (empty) empty.remove();
  main.appendChild(el);
  const d = {el, state: null, series: [], marks: [], summary: null};
  devices.set(id, d);
  applyInfo();
  return d;
}

async function send(id, command) {
  const status = document.getElementById("command-status");
  try {
    const r = await fetch("/api/command", {method: "POST",
      headers: {"Content-Type": "application/json", ...(token ? {"X-Rollbridge-Token": token} : {})},
      body: JSON.stringify({device: id, command})});
    const body = await r.json();
    status.textContent = r.ok ? "sent " + JSON.stringify(command) : "not sent: " + body.error;
  } catch (e) {
    status.textContent = "not sent: " + e;
  }
}

function thresholds(id) {
  const d = info && info.devices && info.devices.find(x => x.id === id);
  return d ? d.thresholds : null;
}

function applyInfo() {
  if (!info || !info.devices) return;
  for (const d of info.devices) {
    if (!devices.has(d.id)) continue;
    const el = devices.get(d.id).el;
    $(el, ".name").textContent = d.id + " · " + d.profile;
    $(el, ".speed-limit").textContent = d.thresholds.speed_limit_cm_s;
  }
}

// Pressure gauge: a half circle from 0 to 1.3 x ceiling.
function arc(fromFrac, toFrac) {
  const p = f => {
    const a = Math.PI * (1 - Math.max(0, Math.min(1, f)));
    return [100 + 80 * Math.cos(a), 100 - 80 * Math.sin(a)];
  };
  const [x1, y1] = p(fromFrac), [x2, y2] = p(toFrac);
  return `M${x1.toFixed(1)} ${y1.toFixed(1)} A80 80 0 0 1 ${x2.toFixed(1)} ${y2.toFixed(1)}`;
}

function showState(id, s) {
  const d = device(id);
  const el = d.el;
  d.state = s;
  const ceiling = s.ceiling_kpa || 100;
  const full = ceiling * 1.3;
  $(el, ".pressure-value").textContent = s.pressure_kpa.toFixed(1) + " kPa";
  $(el, ".ceiling-value").textContent = ceiling.toFixed(0);
  $(el, ".gauge .value").setAttribute("d", arc(0, s.pressure_kpa / full));
  $(el, ".gauge").classList.toggle("over", s.pressure_kpa > ceiling);
  $(el, ".gauge .band").setAttribute("d", s.band_low_kpa != null ? arc(s.band_low_kpa / full, s.band_high_kpa / full) : "");
  const a = Math.PI * (1 - ceiling / full);
  const c = $(el, ".gauge .ceiling");
  c.setAttribute("x1", 100 + 70 * Math.cos(a)); c.setAttribute("y1", 100 - 70 * Math.sin(a));
  c.setAttribute("x2", 100 + 92 * Math.cos(a)); c.setAttribute("y2", 100 - 92 * Math.sin(a));
  const limit = (thresholds(id) || {speed_limit_cm_s: 7.5}).speed_limit_cm_s;
  $(el, ".speed-value").textContent = s.speed_cm_s.toFixed(1) + " cm/s";
  const bar = $(el, ".speed-bar");
  bar.style.width = Math.min(100, 100 * s.speed_cm_s / (limit * 1.5)) + "%";
  bar.classList.toggle("over", s.speed_cm_s > limit);
  $(el, ".phase").textContent = s.phase;
  $(el, ".hold-s").textContent = Math.floor(s.hold_s) + " s";
  $(el, ".ring-progress").style.strokeDashoffset = (314.16 * (1 - Math.min(1, s.hold_s / 60))).toFixed(1);
  $(el, ".leg").textContent = s.leg;
  $(el, ".leg-active").textContent = (s.leg_active_s / 60).toFixed(1);
  $(el, ".leg-bar").style.width = Math.min(100, 100 * s.leg_active_s / 600) + "%";
  $(el, ".battery").textContent = s.battery == null ? "–" : s.battery + " %";
  $(el, ".last-seen").textContent = new Date(s.last_seen).toLocaleTimeString();
  if (s.phase !== "hold") $(el, ".cue-indicator").classList.remove("fired");
  if (d.state && s.t_ms != null) d.series.push([s.t_ms, s.pressure_kpa]);
  drawChart(d);
}

function chime() {
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    [[659.25, 0], [987.77, 0.22]].forEach(([hz, at]) => {
      const o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = hz; o.connect(g); g.connect(ctx.destination);
      g.gain.setValueAtTime(0.3, ctx.currentTime + at);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + at + 0.5);
      o.start(ctx.currentTime + at); o.stop(ctx.currentTime + at + 0.5);
    });
  } catch (e) { /* no audio here */ }
}

function showEvent(id, e) {
  const d = device(id);
  const el = d.el;
  const list = $(el, ".alerts");
  if (e.id && list.querySelector(`[data-id="${e.id}"]`)) return;  // at-least-once: de-duplicate on id
  const li = document.createElement("li");
  li.dataset.id = e.id || "";
  li.dataset.type = e.type;
  li.className = `alert severity-${e.severity} state-${e.state}`;
  li.textContent = `${(e.t_ms / 1000).toFixed(1)} s · ${e.type}${e.state === "instant" ? "" : " (" + e.state + ")"} · ${e.message}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastChild.remove();
  if (e.type === "session_started") { d.series = []; d.marks = []; }
  else if (!e.type.startsWith("device_") && !e.type.startsWith("session_")) d.marks.push([e.t_ms, e.type, e.severity, e.state]);
  if (e.type === "hold_target_reached") {
    const cue = $(el, ".cue-indicator");
    cue.textContent = "\u266A " + Math.round(e.data.hold_s || 30) + " s: release slowly";
    cue.classList.add("fired");
    chime();
  }
  drawChart(d);
}

function showSummary(id, s) {
  const d = device(id);
  d.summary = s;
  const rows = [["leg", s.leg], ["length", (s.duration_s / 60).toFixed(1) + " min"], ["active", (s.active_s / 60).toFixed(1) + " min"],
    ["holds", s.holds_met_target + " of " + s.holds + " met 30 s"], ["pressure", s.mean_pressure_kpa + " mean, " + s.max_pressure_kpa + " max kPa"],
    ["too fast", s.too_fast_s + " s"], ["friction", s.friction_s + " s"], ["ended", s.reason]];
  $(d.el, ".summary").innerHTML = rows.map(([k, v]) => `<tr><td class="muted">${k}</td><td>${v}</td></tr>`).join("");
  $(d.el, ".summary-title").textContent = "last session ended " + new Date(s.ts).toLocaleTimeString();
}

// Pressure over time, holds shaded, alerts as dots coloured by severity.
function drawChart(d) {
  const svg = $(d.el, ".chart");
  const pts = d.series;
  if (pts.length < 2) { svg.innerHTML = ""; return; }
  const t0 = pts[0][0], t1 = pts[pts.length - 1][0] || t0 + 1;
  const pMax = Math.max(...pts.map(p => p[1]), (d.state && d.state.ceiling_kpa) || 1) * 1.1;
  const x = t => (400 * (t - t0) / Math.max(1, t1 - t0)).toFixed(1);
  const y = p => (140 - 140 * p / pMax).toFixed(1);
  let html = "";
  let holdStart = null;
  for (const [t, type] of d.marks) {
    if (type === "hold_started") holdStart = t;
    if (type === "hold_ended" && holdStart != null) {
      html += `<rect class="hold" x="${x(holdStart)}" y="0" width="${Math.max(1, x(t) - x(holdStart))}" height="140"/>`;
      holdStart = null;
    }
  }
  if (holdStart != null) html += `<rect class="hold" x="${x(holdStart)}" y="0" width="${Math.max(1, 400 - x(holdStart))}" height="140"/>`;
  html += `<polyline points="${pts.map(p => x(p[0]) + "," + y(p[1])).join(" ")}"/>`;
  for (const [t, type, severity, state] of d.marks) {
    if (severity === "info" || state === "cleared") continue;
    html += `<circle class="mark-${severity}" cx="${x(t)}" cy="8" r="4"><title>${type}</title></circle>`;
  }
  svg.innerHTML = html;
}

function showAvailability(id, up) {
  const d = device(id);
  const badge = $(d.el, ".availability");
  badge.textContent = up ? "online" : "device offline";
  badge.className = "availability badge " + (up ? "online" : "offline");
  d.el.classList.toggle("offline", !up);
}

function showBridge(up) {
  const badge = document.getElementById("bridge-state");
  badge.textContent = up ? "bridge online" : "bridge offline";
  badge.className = "badge " + (up ? "online" : "offline");
  document.getElementById("bridge-banner").hidden = up;
}

function route(topic, payload) {
  if (!topic.startsWith(base + "/") && !topic.startsWith("$series/")) return;
  if (topic.startsWith("$series/")) {
    const d = device(topic.substring(8));
    d.series = payload.points; d.marks = payload.marks; drawChart(d);
    return;
  }
  const rest = topic.substring(base.length + 1).split("/");
  if (rest[0] === "bridge") {
    if (rest[1] === "state") showBridge(payload && payload.state === "online");
    if (rest[1] === "info") { info = payload; applyInfo(); }
    return;
  }
  const id = rest[0];
  if (rest.length === 1 && payload) showState(id, payload);
  else if (rest[1] === "event") showEvent(id, payload);
  else if (rest[1] === "availability") showAvailability(id, payload && payload.state === "online");
  else if (rest[1] === "session" && payload) showSummary(id, payload);
  else if (rest[1] === "set" && rest[2] === "response") {
    document.getElementById("command-status").textContent = payload.ok ? "✓ " + payload.message : "✗ " + payload.error;
  }
}

async function start() {
  const config = await (await fetch("/api/config")).json();
  base = config.base;
  document.body.classList.toggle("read-only", config.read_only || (config.token_required && !token));
  const source = new EventSource("/events");
  source.onmessage = m => { const {topic, payload} = JSON.parse(m.data); route(topic, payload); };
  source.onerror = () => { document.getElementById("bridge-state").textContent = "dashboard reconnecting…"; };
}

start();
