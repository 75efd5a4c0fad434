// rollbridge dashboard: one EventSource, one card per device, everything drawn from MQTT messages.
//
// Anyone who can publish to the broker can put anything into those messages, so nothing from
// MQTT is ever parsed as HTML: the page is built with elements and textContent only, numbers are
// checked to be finite numbers, names and kinds are checked against what the contract allows, and
// the server's Content-Security-Policy forbids inline script besides.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const SEVERITIES = ["info", "cue", "warning", "danger"];
const STATES = ["instant", "raised", "cleared"];
const FAULTS = ["pressure_stuck", "pressure_pinned", "gyro_saturated", "data_loss", "channel_silent"];
const PHASES = ["idle", "rolling", "hold", "friction"];
const CAPABILITIES = ["pressure", "motion"];
const RULES = {speed: "rolling speed", warmup: "warm-up", friction: "cross-fibre friction", pressure: "pressure ceiling",
  tightening: "tightening", calibration: "calibration"};
const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const SEEN_KEPT = 500;

const devices = new Map();   // id -> {el, state, series: [[t, kPa]], marks: [[t, type, severity, state]], seen: Set}
let base = "rollbridge";
let info = null;
let csrf = "";
let token = new URLSearchParams(location.search).get("token") || localStorage.getItem("rollbridge-token");
if (token) localStorage.setItem("rollbridge-token", token);

const $ = (root, sel) => root.querySelector(sel);

// What a value from MQTT may be, or a safe stand-in.
const num = v => (typeof v === "number" && Number.isFinite(v)) ? v : null;
// Only strings, numbers and booleans become text: an object from MQTT may carry a "toString" that is not a function.
const text = (v, max = 200) => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "").slice(0, max);
const oneOf = (v, allowed, otherwise) => allowed.includes(v) ? v : otherwise;
const fixed = (v, digits) => num(v) == null ? "–" : num(v).toFixed(digits);
const clock = ms => num(ms) == null ? "–" : new Date(ms).toLocaleTimeString();
// An event's wall time (ISO from the bridge) in the browser's clock; its sample time when it has none.
const wallClock = (ts, tMs) => typeof ts === "string" && !Number.isNaN(Date.parse(ts)) ? new Date(ts).toLocaleTimeString()
  : ((num(tMs) ?? 0) / 1000).toFixed(1) + " s";

function svg(name, attributes, parent) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

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
  const scale = $(el, ".checkin-scale");
  for (let i = 0; i <= 10; i++) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = String(i);
    b.dataset.checkin = String(i);
    b.setAttribute("aria-label", "soreness " + i + " of 10");
    b.addEventListener("click", () => send(id, {checkin: i}));
    scale.appendChild(b);
  }
  tabs(el, id);
  const main = document.getElementById("devices");
  const empty = $(main, ".empty");
  if (empty) empty.remove();
  main.appendChild(el);
  const d = {el, state: null, series: [], marks: [], summary: null, history: null, seen: new Set()};
  devices.set(id, d);
  applyInfo();
  return d;
}

async function send(id, command) {
  const status = document.getElementById("command-status");
  try {
    const headers = {"Content-Type": "application/json", "X-Rollbridge-Csrf": csrf};
    if (token) headers["X-Rollbridge-Token"] = token;
    const r = await fetch("/api/command", {method: "POST", headers, body: JSON.stringify({device: id, command})});
    const body = await r.json();
    status.textContent = r.ok ? "sent " + JSON.stringify(command) : "not sent: " + text(body.error);
  } catch (e) {
    status.textContent = "not sent: " + e;
  }
}

function thresholds(id) {
  const d = info && Array.isArray(info.devices) && info.devices.find(x => x && x.id === id);
  return d && d.thresholds && typeof d.thresholds === "object" ? d.thresholds : null;
}

function applyInfo() {
  if (!info || !Array.isArray(info.devices)) return;
  for (const d of info.devices) {
    if (!d || !devices.has(d.id)) continue;
    const el = devices.get(d.id).el;
    $(el, ".name").textContent = d.id + " · " + text(d.profile, 64);
    const t = thresholds(d.id);
    $(el, ".speed-limit").textContent = fixed(t && t.speed_limit_cm_s, 1);
    // A bridge from before capabilities existed sends none: then the tool measures both.
    const caps = Array.isArray(d.capabilities) ? d.capabilities.filter(c => CAPABILITIES.includes(c)) : CAPABILITIES;
    el.querySelectorAll(".speed-row").forEach(r => { r.hidden = !caps.includes("motion"); });
    $(el, ".pressure-panel").hidden = !caps.includes("pressure");
    $(el, ".calibration").hidden = !caps.includes("pressure");
    showRulesOff(el, d.rules_off);
    showReasons(el, t, d.threshold_set_by, info.threshold_reasons);
  }
}

// The numbers a person meets, each with its value, who set it and why (bridge/info's threshold_reasons): text only.
const REASON_NUMBERS = [
  ["hold_target_ms", "hold cue", v => fixed(v / 1000, 0) + " s"],
  ["hold_max_ms", "release now", v => fixed(v / 1000, 0) + " s"],
  ["speed_limit_cm_s", "rolling speed limit", v => fixed(v, 1) + " cm/s"],
  ["pressure_ceiling_kpa", "pressure ceiling", v => v === null ? "none yet" : fixed(v, 0) + " kPa"],
  ["warmup_rolling_ms", "warm-up", v => fixed(v / 1000, 0) + " s of rolling"],
  ["friction_limit_ms", "friction per spot", v => fixed(v / 1000, 0) + " s"],
  ["leg_target_ms", "leg target", v => fixed(v / 60000, 0) + " min"],
  ["leg_limit_ms", "leg limit", v => fixed(v / 60000, 0) + " min"],
  ["pain_reduce_above", "pain above", v => fixed(v, 0) + "/10"],
];
const SET_BY = {profile: "the tool's profile", user: "your configuration", calibration: "your calibration"};

function showReasons(el, t, setBy, reasons) {
  const details = $(el, ".reasons");
  if (!t || !reasons || typeof reasons !== "object" || Array.isArray(reasons)) {
    details.hidden = true;
    return;
  }
  const by = setBy && typeof setBy === "object" && !Array.isArray(setBy) ? setBy : {};
  const lines = [];
  for (const [name, label, show] of REASON_NUMBERS) {
    const r = Object.prototype.hasOwnProperty.call(reasons, name) ? reasons[name] : null;
    if (!r || typeof r !== "object" || !Object.prototype.hasOwnProperty.call(t, name)) continue;
    const value = t[name] === null || typeof t[name] === "number" ? show(t[name]) : "–";
    const who = Object.prototype.hasOwnProperty.call(SET_BY, by[name]) ? " · set by " + SET_BY[by[name]] : "";
    lines.push({head: label + " " + value + who, why: text(r.reason, 240),
      ref: typeof r.reference === "string" ? text(r.reference, 240) : ""});
  }
  const list = $(el, ".reasons-list");
  const key = JSON.stringify(lines);
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(...lines.map(l => {
      const li = document.createElement("li");
      const b = document.createElement("b");
      b.textContent = l.head;
      li.append(b, document.createTextNode(": " + l.why));
      if (l.ref) {
        const cite = document.createElement("cite");
        cite.textContent = " (" + l.ref + ")";
        li.append(cite);
      }
      return li;
    }));
  }
  details.hidden = lines.length === 0;
}

// The rules that are off for this tool, each with the bridge's reason: text only, known rules only.
function showRulesOff(el, off) {
  const list = $(el, ".rules-off");
  const items = off && typeof off === "object" && !Array.isArray(off)
    ? Object.keys(off).filter(k => Object.prototype.hasOwnProperty.call(RULES, k)).slice(0, 10) : [];
  const wanted = items.map(k => RULES[k] + " off: " + text(off[k], 160));
  const shown = Array.from(list.children).map(li => li.textContent);
  if (wanted.join("\n") === shown.join("\n")) return;
  list.replaceChildren(...wanted.map(line => { const li = document.createElement("li"); li.textContent = line; return li; }));
  list.hidden = wanted.length === 0;
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
  const pressure = num(s.pressure_kpa) ?? 0;
  const speed = num(s.speed_cm_s) ?? 0;
  const holdS = Math.max(0, num(s.hold_s) ?? 0);
  const legS = Math.max(0, num(s.leg_active_s) ?? 0);
  // No ceiling (null) until a tool whose figure is not a contact pressure is calibrated: the gauge
  // then scales to the highest pressure seen and marks no ceiling.
  const known = num(s.ceiling_kpa) > 0;
  // The highest pressure of the last few minutes (a glitch long gone must not squash the gauge).
  let peak = pressure;
  for (let i = Math.max(0, d.series.length - 600); i < d.series.length; i++) peak = Math.max(peak, d.series[i][1]);
  const ceiling = known ? num(s.ceiling_kpa) : Math.max(1, peak);
  const full = ceiling * 1.3;
  $(el, ".pressure-value").textContent = pressure.toFixed(1) + " kPa";
  $(el, ".ceiling-value").textContent = known ? ceiling.toFixed(0) + " kPa" : "none yet: calibrate";
  $(el, ".gauge .value").setAttribute("d", arc(0, pressure / full));
  $(el, ".gauge").classList.toggle("over", known && pressure > ceiling);
  const low = num(s.band_low_kpa), high = num(s.band_high_kpa);
  $(el, ".gauge .band").setAttribute("d", low != null && high != null ? arc(low / full, high / full) : "");
  const a = Math.PI * (1 - ceiling / full);
  const c = $(el, ".gauge .ceiling");
  c.style.display = known ? "" : "none";
  c.setAttribute("x1", 100 + 70 * Math.cos(a)); c.setAttribute("y1", 100 - 70 * Math.sin(a));
  c.setAttribute("x2", 100 + 92 * Math.cos(a)); c.setAttribute("y2", 100 - 92 * Math.sin(a));
  const t = thresholds(id);
  const limit = num(t && t.speed_limit_cm_s) || 7.5;
  $(el, ".speed-value").textContent = speed.toFixed(1) + " cm/s";
  const bar = $(el, ".speed-bar");
  bar.style.width = Math.min(100, 100 * speed / (limit * 1.5)) + "%";
  bar.classList.toggle("over", speed > limit);
  const phase = oneOf(s.phase, PHASES, "idle");
  $(el, ".phase").textContent = phase;
  $(el, ".hold-s").textContent = Math.floor(holdS) + " s";
  $(el, ".ring-progress").style.strokeDashoffset = (314.16 * (1 - Math.min(1, holdS / 60))).toFixed(1);
  $(el, ".leg").textContent = text(s.leg, 16) || "–";
  $(el, ".leg-active").textContent = (legS / 60).toFixed(1);
  $(el, ".leg-bar").style.width = Math.min(100, 100 * legS / 600) + "%";
  $(el, ".battery").textContent = num(s.battery) == null ? "–" : num(s.battery) + " %";
  $(el, ".battery").classList.toggle("low", num(s.battery) != null && num(s.battery) <= 15);
  const fault = FAULTS.includes(s.sensor_fault) ? s.sensor_fault : null;
  const faultText = fault ? "sensor fault: " + fault.replace("_", " ") : "";
  // role="alert": written only when it changes, so a screen reader says it once.
  if ($(el, ".sensor-fault").textContent !== faultText) {
    $(el, ".sensor-fault").textContent = faultText;
    $(el, ".sensor-fault").hidden = !fault;
  }
  $(el, ".last-seen").textContent = typeof s.last_seen === "string" ? new Date(s.last_seen).toLocaleTimeString() : "–";
  // The caption follows the live phase: the last hold's cue is gone once it is over.
  if (phase !== "hold" && $(el, ".cue-indicator").classList.contains("fired")) {
    $(el, ".cue-indicator").classList.remove("fired");
    $(el, ".cue-indicator").textContent = "cue at 30 s";
  }
  showPosition(d, s.position_pct);
  if (num(s.t_ms) != null) d.series.push([s.t_ms, pressure]);
  if (d.series.length > 3600) d.series.splice(0, d.series.length - 3600);
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
  if (!e || typeof e !== "object" || !EVENT_TYPE.test(e.type)) return;
  const d = device(id);
  const el = d.el;
  const list = $(el, ".alerts");
  const eventId = text(e.id, 64);
  if (eventId) {  // at-least-once delivery: de-duplicate on id
    if (d.seen.has(eventId)) return;
    d.seen.add(eventId);
    if (d.seen.size > SEEN_KEPT) d.seen.delete(d.seen.values().next().value);
  }
  const severity = oneOf(e.severity, SEVERITIES, "info");
  const state = oneOf(e.state, STATES, "instant");
  const tMs = num(e.t_ms) ?? 0;
  const li = document.createElement("li");
  li.dataset.type = e.type;
  li.className = `alert severity-${severity} state-${state}`;
  // One clock everywhere: the event's wall time in the browser's locale (its sample time if it has none).
  const when = wallClock(e.ts, tMs);
  li.textContent = `${when} · ${e.type}${state === "instant" ? "" : " (" + state + ")"} · ${text(e.message, 300)}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastChild.remove();
  if (e.type === "session_started") { d.series = []; d.marks = []; }
  else if (!e.type.startsWith("device_") && !e.type.startsWith("session_") && !e.type.startsWith("checkin_")
    && e.type !== "coach_prompt") {
    d.marks.push([tMs, e.type, severity, state, when]);
    if (d.marks.length > 500) d.marks.shift();
  }
  if (e.type === "hold_target_reached") {
    const cue = $(el, ".cue-indicator");
    const holdS = num(e.data && e.data.hold_s) ?? 30;
    cue.textContent = "\u266A " + Math.round(holdS) + " s: release slowly";
    cue.classList.add("fired");
    chime();
  }
  if (e.type === "coach_prompt") showCoach(el, e);
  drawChart(d);
}

// The coach's latest prompt on the card (docs/coach.md): a known step's text, as text only.
const COACH_STEPS = ["warm_up", "red_flags", "find_spot", "ease_off_slowly", "cross_fibre", "leg_done"];
function showCoach(el, e) {
  const data = e.data && typeof e.data === "object" ? e.data : {};
  const said = text(data.text, 300);
  if (!COACH_STEPS.includes(data.step) || typeof data.text !== "string" || !said.trim()) return;
  const coach = $(el, ".coach");
  coach.dataset.step = data.step;
  $(coach, ".coach-text").textContent = said;
  coach.hidden = false;
}

// The morning check-in (<base>/<device>/checkin, docs/checkin.md): the 0–10 buttons while today's is due,
// and a line while a sore morning has lowered the next session. Every value checked; text only.
function showCheckin(id, p) {
  const d = device(id);
  const box = $(d.el, ".checkin");
  box.hidden = p.due !== true;
  const a = p.adaptation && typeof p.adaptation === "object" ? p.adaptation : {};
  const line = $(d.el, ".adapted");
  const factor = inRange(a.factor, 0.5, 1);
  if (a.lowered === true && factor != null) {
    const sore = whole(a.sore, 0, 10), since = DATE.test(a.since) ? dayText(dayMs(a.since), true) : null;
    line.textContent = "Next session eased: pressure ceiling and leg time " + Math.round((1 - factor) * 100) + " % lower after a sore morning"
      + (sore != null ? " (" + sore + "/10" + (since ? " on " + since : "") + ")" : "") + ". Two good mornings bring them back.";
    line.hidden = false;
  } else {
    line.hidden = true;
  }
  const answer = whole(p.answer, 0, 10);
  box.querySelectorAll("button[data-checkin]").forEach(b => b.classList.toggle("chosen", answer != null && b.dataset.checkin === String(answer)));
}

function showSummary(id, s) {
  const d = device(id);
  d.summary = s;
  const rows = [["leg", text(s.leg, 16)], ["length", fixed(num(s.duration_s) / 60, 1) + " min"],
    ["active", fixed(num(s.active_s) / 60, 1) + " min"],
    ["holds", fixed(s.holds_met_target, 0) + " of " + fixed(s.holds, 0) + " met 30 s"],
    ["pressure", fixed(s.mean_pressure_kpa, 1) + " mean, " + fixed(s.max_pressure_kpa, 1) + " max kPa"],
    ["too fast", fixed(s.too_fast_s, 1) + " s"], ["friction", fixed(s.friction_s, 1) + " s"], ["ended", text(s.reason, 32)]];
  const table = $(d.el, ".summary");
  table.replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement("tr");
    const key = document.createElement("td");
    key.className = "muted";
    key.textContent = k;
    const value = document.createElement("td");
    value.textContent = v;
    tr.append(key, value);
    return tr;
  }));
  drawStrip($(d.el, ".summary-strip"), checkSegments(s.segments), null);
  $(d.el, ".summary-title").textContent = "last session ended " + (typeof s.ts === "string" ? new Date(s.ts).toLocaleTimeString() : "–");
}

// Pressure over time: axes with units, the ceiling and the calibrated band, holds shaded with their
// length, alerts as points (their type and time in a tooltip) coloured by severity.
const PLOT = {left: 44, right: 592, top: 14, bottom: 156};

function axisText(chart, x, y, anchor, s) {
  const t = svg("text", {class: "axis", x, y, "text-anchor": anchor}, chart);
  t.textContent = s;
}

function minutes(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function drawChart(d) {
  const chart = $(d.el, ".live-view .chart");
  chart.replaceChildren();
  const pts = d.series;
  if (pts.length < 2) return;
  const t0 = pts[0][0], t1 = Math.max(pts[pts.length - 1][0], t0 + 1);
  const ceiling = num(d.state && d.state.ceiling_kpa);
  const pMax = Math.max(...pts.map(p => p[1]), ceiling > 0 ? ceiling : 1) * 1.1;
  const w = PLOT.right - PLOT.left, h = PLOT.bottom - PLOT.top;
  const x = t => PLOT.left + w * (t - t0) / (t1 - t0);
  const y = p => PLOT.bottom - h * Math.max(0, p) / pMax;
  // Axes: pressure in kPa on the left, time since the first point (min:s) below.
  for (const f of [0, 0.5, 1]) {
    svg("line", {class: "grid", x1: PLOT.left, x2: PLOT.right, y1: y(pMax * f / 1.1), y2: y(pMax * f / 1.1)}, chart);
    axisText(chart, PLOT.left - 4, y(pMax * f / 1.1) + 4, "end", (pMax * f / 1.1).toFixed(pMax < 11 ? 1 : 0));
    axisText(chart, x(t0 + (t1 - t0) * f), PLOT.bottom + 16, f === 0 ? "start" : f === 1 ? "end" : "middle", minutes((t1 - t0) * f));
  }
  axisText(chart, 2, PLOT.top - 2, "start", "kPa");
  const low = num(d.state && d.state.band_low_kpa), high = num(d.state && d.state.band_high_kpa);
  if (low != null && high != null && high > low) {
    svg("rect", {class: "band", x: PLOT.left, width: w, y: y(high).toFixed(1), height: Math.max(1, y(low) - y(high)).toFixed(1)}, chart);
  }
  if (ceiling > 0) {
    svg("line", {class: "ceiling", x1: PLOT.left, x2: PLOT.right, y1: y(ceiling).toFixed(1), y2: y(ceiling).toFixed(1)}, chart);
  }
  let holdStart = null;
  const shade = (from, to) => {
    const x0 = Math.max(PLOT.left, x(from)), x1 = Math.min(PLOT.right, x(to));
    svg("rect", {class: "hold", x: x0.toFixed(1), y: PLOT.top, width: Math.max(1, x1 - x0).toFixed(1), height: h}, chart);
    const label = svg("text", {class: "hold-length", x: ((x0 + x1) / 2).toFixed(1), y: PLOT.top + 12}, chart);
    label.textContent = Math.round((to - from) / 1000) + " s";
  };
  for (const [t, type] of d.marks) {
    if (type === "hold_started") holdStart = t;
    if (type === "hold_ended" && holdStart != null) { shade(holdStart, t); holdStart = null; }
  }
  if (holdStart != null) shade(holdStart, t1);
  svg("polyline", {points: pts.map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ")}, chart);
  for (const [t, type, severity, state, ts] of d.marks) {
    if (severity === "info" || state === "cleared" || t < t0) continue;
    const at = pts.find(p => p[0] >= t) || pts[pts.length - 1];
    const dot = svg("circle", {class: "mark-" + oneOf(severity, SEVERITIES, "info"), cx: x(t).toFixed(1), cy: y(at[1]).toFixed(1), r: 4}, chart);
    svg("title", {}, dot).textContent = type + (state === "instant" ? "" : " (" + state + ")") + " at " + ts;
  }
}

// Live and History: a tab list per card (arrow keys, Home and End move between the tabs, as in
// the WAI-ARIA tabs pattern; Enter and Space are the buttons' own).
function tabs(el, id) {
  const list = [$(el, ".tab-live"), $(el, ".tab-history")];
  const panels = [$(el, ".live-view"), $(el, ".history-view")];
  list.forEach((tab, i) => {
    tab.id = "tab-" + i + "-" + id;
    panels[i].id = "panel-" + i + "-" + id;
    tab.setAttribute("aria-controls", panels[i].id);
    panels[i].setAttribute("aria-labelledby", tab.id);
    tab.addEventListener("click", () => select(i));
    tab.addEventListener("keydown", e => {
      const to = {ArrowRight: (i + 1) % list.length, ArrowLeft: (i + list.length - 1) % list.length, Home: 0, End: list.length - 1}[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(to);
      list[to].focus();
    });
  });
  function select(i) {
    list.forEach((tab, j) => {
      tab.setAttribute("aria-selected", String(i === j));
      tab.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
  }
}

// The history summary (<base>/<device>/history): checked again here, whatever the server did.
const LEGS = ["left", "right", "unknown"];
const TRENDS = ["worse", "not improving", "improving"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86400000;
const inRange = (v, lo, hi) => num(v) != null && v >= lo && v <= hi ? v : null;
const whole = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi ? v : null;
// A calendar day of the bridge ("2026-11-27") as UTC midnight, shown in the browser's locale.
const dayMs = s => { const [y, m, d] = s.split("-").map(Number); return Date.UTC(y, m - 1, d); };
const dayText = (ms, long) => new Date(ms).toLocaleDateString(undefined, long
  ? {timeZone: "UTC", weekday: "short", day: "numeric", month: "short"} : {timeZone: "UTC", day: "numeric", month: "short"});
const plural = (n, one, many) => n + " " + (n === 1 ? one : many);

function checkHistory(h) {
  if (!h || typeof h !== "object" || !DATE.test(h.from) || !DATE.test(h.to)) return null;
  const from = dayMs(h.from), to = dayMs(h.to);
  if (!(to >= from) || to - from > 120 * DAY_MS) return null;
  const inDays = s => DATE.test(s) && dayMs(s) >= from && dayMs(s) <= to;
  const list = (v, max) => Array.isArray(v) ? v.slice(0, max).filter(x => x && typeof x === "object") : [];
  const days = list(h.days, 400).filter(d => inDays(d.date) && LEGS.includes(d.leg) && whole(d.sessions, 1, 1000) != null
    && inRange(d.active_min, 0, 1440) != null).map(d => ({
    t: dayMs(d.date), leg: d.leg, sessions: d.sessions, active: d.active_min, duration: inRange(d.duration_min, 0, 1440) ?? d.active_min,
    holds: whole(d.holds, 0, 100000) ?? 0, met: Math.min(whole(d.holds_met, 0, 100000) ?? 0, whole(d.holds, 0, 100000) ?? 0),
    warnings: whole(d.alerts && d.alerts.warning, 0, 1e7) ?? 0, dangers: whole(d.alerts && d.alerts.danger, 0, 1e7) ?? 0}));
  const weeks = list(h.weeks, 20).filter(w => DATE.test(w.start) && w.sessions && typeof w.sessions === "object")
    .map(w => ({t: dayMs(w.start), name: /^\d{4}-W\d{2}$/.test(w.week) ? w.week : "",
      counts: Object.fromEntries(LEGS.map(l => [l, whole(w.sessions[l], 0, 7000) ?? 0]))}));
  const pain = list(h.pain, 130).filter(p => inDays(p.date) && inRange(p.mean, 0, 10) != null)
    .map(p => ({t: dayMs(p.date), mean: p.mean, max: inRange(p.max, 0, 10) ?? p.mean, reports: whole(p.reports, 1, 10000) ?? 1,
      checkin: whole(p.checkin, 0, 10)}));
  const legs = Array.isArray(h.legs) ? LEGS.filter(l => h.legs.includes(l)) : [];
  const f = h.frequency && typeof h.frequency === "object" ? h.frequency : {};
  const low = whole(f.maintenance_min_per_week, 0, 7) ?? 2;
  const frequency = {low, high: Math.max(low, whole(f.maintenance_max_per_week, 0, 7) ?? 3), daily: whole(f.daily_per_week, 1, 14) ?? 7,
    target: inRange(f.leg_target_min, 0, 120) ?? 5, limit: inRange(f.leg_limit_min, 0, 120) ?? 10,
    recent: Object.fromEntries(LEGS.map(l => [l, whole(f.last_7_days && f.last_7_days[l], 0, 1000) ?? 0]))};
  const s = h.seek_professional && typeof h.seek_professional === "object" ? h.seek_professional : {};
  const seek = {window: whole(s.window_days, 1, 120) ?? 14, minDays: whole(s.min_days, 1, 120) ?? 3, due: s.due === true,
    days: whole(s.days, 0, 120) ?? 0, since: DATE.test(s.since) ? dayMs(s.since) : null, first: inRange(s.first_day_mean, 0, 10),
    last: inRange(s.last_day_mean, 0, 10), trend: oneOf(s.trend, TRENDS, null),
    advised: typeof s.last_advised === "string" && !Number.isNaN(Date.parse(s.last_advised)) ? new Date(s.last_advised) : null};
  return {from, to, days, weeks, pain, legs: legs.length ? legs : ["left", "right"], frequency, seek,
    dropped: whole(h.days_dropped, 0, 1000) ?? 0};
}

function showHistory(id, payload) {
  const h = checkHistory(payload);
  if (!h) return;
  const d = device(id);
  d.history = h;
  $(d.el, ".history-empty").hidden = true;
  $(d.el, ".history-body").hidden = false;
  drawMinutes(d.el, h);
  drawWeeks(d.el, h);
  drawPain(d.el, h);
}

const HPLOT = {left: 44, right: 712, top: 22, bottom: 176};

// A chart's frame: the y axis with its unit and three grid lines, the days from..to below (every Monday labelled).
function frame(chart, yMax, unit, digits) {
  chart.replaceChildren();
  const y = v => HPLOT.bottom - (HPLOT.bottom - HPLOT.top) * Math.max(0, v) / yMax;
  for (const f of [0, 0.5, 1]) {
    svg("line", {class: "grid", x1: HPLOT.left, x2: HPLOT.right, y1: y(yMax * f).toFixed(1), y2: y(yMax * f).toFixed(1)}, chart);
    axisText(chart, HPLOT.left - 4, y(yMax * f) + 4, "end", (yMax * f).toFixed(digits));
  }
  axisText(chart, 2, HPLOT.top - 8, "start", unit);
  return y;
}

function dayAxis(chart, h) {
  const n = Math.round((h.to - h.from) / DAY_MS) + 1;
  const slot = (HPLOT.right - HPLOT.left) / n;
  const x = t => HPLOT.left + slot * Math.round((t - h.from) / DAY_MS);
  for (let t = h.from; t <= h.to; t += DAY_MS) {
    if (new Date(t).getUTCDay() === 1 || t === h.from) {
      svg("line", {class: "tick", x1: x(t).toFixed(1), x2: x(t).toFixed(1), y1: HPLOT.bottom, y2: HPLOT.bottom + 4}, chart);
      axisText(chart, x(t), HPLOT.bottom + 16, "start", dayText(t, false));
    }
  }
  return {x, slot};
}

// The legs' colours at the top right; the guide's marks (a band, a dashed line) at the top left.
function legend(chart, legs, marks = []) {
  legs.forEach((leg, i) => {
    const at = HPLOT.right - (legs.length - i) * 70;
    svg("rect", {class: "leg-" + leg + " swatch", x: at, y: 4, width: 10, height: 10}, chart);
    axisText(chart, at + 14, 13, "start", leg);
  });
  let at = HPLOT.left + 30;
  for (const [kind, cls, words] of marks) {
    if (kind === "band") svg("rect", {class: cls + " swatch", x: at, y: 4, width: 14, height: 10}, chart);
    else svg("line", {class: cls + " swatch", x1: at, x2: at + 14, y1: 9, y2: 9}, chart);
    axisText(chart, at + 18, 13, "start", words);
    at += 18 + words.length * 6 + 16;
  }
}

function emptyChart(chart, message) {
  chart.replaceChildren();
  const t = svg("text", {class: "empty-chart", x: 360, y: 105, "text-anchor": "middle"}, chart);
  t.textContent = message;
}

function drawMinutes(el, h) {
  const chart = $(el, ".history-minutes");
  const table = $(el, ".history-legs");
  if (h.days.length === 0) {
    emptyChart(chart, "No sessions in these weeks yet: start one with Start left or Start right.");
    table.replaceChildren();
    return;
  }
  const f = h.frequency;
  const yMax = Math.max(f.limit * 1.2, ...h.days.map(d => d.active * 1.1), 1);
  const y = frame(chart, yMax, "min", 0);
  const {x, slot} = dayAxis(chart, h);
  if (f.limit > 0) {
    const band = svg("rect", {class: "band", x: HPLOT.left, width: HPLOT.right - HPLOT.left, y: y(f.limit).toFixed(1),
      height: Math.max(1, y(f.target) - y(f.limit)).toFixed(1)}, chart);
    svg("title", {}, band).textContent = "the guide: " + f.target + "–" + f.limit + " minutes a leg";
  }
  const width = Math.max(1, slot * 0.8 / h.legs.length);
  for (const d of h.days) {
    const i = Math.max(0, h.legs.indexOf(d.leg));
    const bx = x(d.t) + slot * 0.1 + i * width;
    const bar = svg("rect", {class: "day-bar leg-" + d.leg, x: bx.toFixed(1), y: y(d.active).toFixed(1), width: width.toFixed(1),
      height: Math.max(0.5, HPLOT.bottom - y(d.active)).toFixed(1), "data-leg": d.leg, "data-minutes": d.active.toFixed(1)}, chart);
    const alerts = [d.warnings ? plural(d.warnings, "warning", "warnings") : "", d.dangers ? plural(d.dangers, "danger", "dangers") : ""]
      .filter(Boolean).join(", ");
    svg("title", {}, bar).textContent = dayText(d.t, true) + " · " + d.leg + ": " + d.active.toFixed(1) + " min in contact ("
      + d.duration.toFixed(1) + " in all), " + plural(d.sessions, "session", "sessions") + ", holds " + d.met + " of " + d.holds
      + " met 30 s" + (alerts ? ", " + alerts : "");
    if (d.warnings || d.dangers) {
      const dot = svg("circle", {class: "alert-dot mark-" + (d.dangers ? "danger" : "warning"), cx: (bx + width / 2).toFixed(1),
        cy: (y(d.active) - 6).toFixed(1), r: 3.5}, chart);
      svg("title", {}, dot).textContent = dayText(d.t, true) + " · " + d.leg + ": " + alerts;
    }
  }
  legend(chart, h.legs, f.limit > 0 ? [["band", "band", f.target + "–" + f.limit + " min a leg (the guide)"]] : []);
  // Per leg over the weeks: what the bars add up to, holds and alerts in words.
  const rows = [["leg", "sessions", "minutes in contact", "holds met 30 s", "warnings", "dangers"]];
  for (const leg of h.legs) {
    const mine = h.days.filter(d => d.leg === leg);
    const sum = k => mine.reduce((a, d) => a + d[k], 0);
    rows.push([leg, String(sum("sessions")), sum("active").toFixed(1), sum("met") + " of " + sum("holds"), String(sum("warnings")),
      String(sum("dangers"))]);
  }
  table.replaceChildren(...rows.map((r, i) => {
    const tr = document.createElement("tr");
    tr.dataset.leg = i === 0 ? "" : r[0];
    for (const v of r) {
      const cell = document.createElement(i === 0 ? "th" : "td");
      cell.textContent = v;
      tr.appendChild(cell);
    }
    return tr;
  }));
}

function drawWeeks(el, h) {
  const chart = $(el, ".history-weeks");
  const f = h.frequency;
  const total = h.weeks.reduce((a, w) => a + LEGS.reduce((b, l) => b + w.counts[l], 0), 0);
  const recent = h.legs.map(l => l + " " + f.recent[l]).join(", ");
  $(el, ".history-frequency").textContent = "Last 7 days: " + recent + " session(s). The guide: " + f.low + "–" + f.high
    + " a week keep a leg in shape; daily (" + f.daily + " a week) helps persistent stiffness.";
  if (h.weeks.length === 0 || total === 0) {
    emptyChart(chart, "No sessions in these weeks yet: two to three a week per leg keep the hamstrings in shape.");
    return;
  }
  const yMax = Math.max(f.daily + 1, ...h.weeks.map(w => Math.max(...LEGS.map(l => w.counts[l])) + 1));
  const y = frame(chart, yMax, "sessions", 0);
  const slot = (HPLOT.right - HPLOT.left) / h.weeks.length;
  const band = svg("rect", {class: "band maintenance", x: HPLOT.left, width: HPLOT.right - HPLOT.left, y: y(f.high).toFixed(1),
    height: Math.max(1, y(f.low) - y(f.high)).toFixed(1)}, chart);
  svg("title", {}, band).textContent = f.low + "–" + f.high + " a week: maintenance";
  const daily = svg("line", {class: "daily", x1: HPLOT.left, x2: HPLOT.right, y1: y(f.daily).toFixed(1), y2: y(f.daily).toFixed(1)}, chart);
  svg("title", {}, daily).textContent = "daily (" + f.daily + " a week): persistent stiffness";
  const width = slot * 0.7 / h.legs.length;
  h.weeks.forEach((w, i) => {
    axisText(chart, HPLOT.left + slot * (i + 0.5), HPLOT.bottom + 16, "middle", dayText(w.t, false));
    h.legs.forEach((leg, j) => {
      const n = w.counts[leg];
      const bx = HPLOT.left + slot * (i + 0.15) + j * width;
      const bar = svg("rect", {class: "week-bar leg-" + leg, x: bx.toFixed(1), y: y(n).toFixed(1), width: width.toFixed(1),
        height: Math.max(0.5, HPLOT.bottom - y(n)).toFixed(1), "data-leg": leg, "data-count": n}, chart);
      svg("title", {}, bar).textContent = "week of " + dayText(w.t, true) + (w.name ? " (" + w.name + ")" : "") + " · " + leg + ": "
        + plural(n, "session", "sessions");
      const label = svg("text", {class: "bar-value", x: (bx + width / 2).toFixed(1), y: (y(n) - 3).toFixed(1), "text-anchor": "middle"}, chart);
      label.textContent = String(n);
    });
  });
  legend(chart, h.legs, [["band", "band maintenance", f.low + "–" + f.high + " a week: maintenance"],
    ["line", "daily", "daily: persistent stiffness"]]);
}

function drawPain(el, h) {
  const chart = $(el, ".history-pain");
  const s = h.seek;
  const advice = $(el, ".history-advice");
  let words;
  if (s.due) {
    words = "Seek a professional: pain is " + (s.trend || "not improving") + " over " + s.days + " days of self-care ("
      + fixed(s.first, 1) + "/10 on " + (s.since != null ? dayText(s.since, false) : "the first day") + ", " + fixed(s.last, 1)
      + "/10 on the last). See a physical therapist to find the root cause.";
  } else if (s.days >= s.minDays) {
    words = "Pain is " + (s.trend || "improving") + " over " + s.days + " days (" + fixed(s.first, 1) + " → " + fixed(s.last, 1) + "/10).";
  } else {
    words = "Advice needs pain reports on " + s.minDays + " days within " + s.window + " (" + s.days + " so far): report pain after each session.";
  }
  advice.textContent = words;
  advice.className = "history-advice" + (s.due ? " due" : "");
  advice.setAttribute("role", s.due ? "alert" : "status");
  $(el, ".history-note").textContent = (s.advised ? "Last advised " + s.advised.toLocaleDateString() + ". " : "")
    + (h.dropped ? h.dropped + " oldest day(s) left out to keep the message small. " : "")
    + "Days are the bridge's calendar days.";
  if (h.pain.length === 0) {
    emptyChart(chart, "No pain reported yet: report pain 0–10 after a session (Report pain).");
    return;
  }
  const y = frame(chart, 10, "pain /10", 0);
  const {x, slot} = dayAxis(chart, h);
  // The rule: reports on at least minDays days of the last window days, and the last day no better than the first.
  const windowStart = Math.max(h.from, h.to - (s.window - 1) * DAY_MS);
  const win = svg("rect", {class: "pain-window" + (s.due ? " due" : ""), x: x(windowStart).toFixed(1), y: HPLOT.top,
    width: (x(h.to) + slot - x(windowStart)).toFixed(1), height: HPLOT.bottom - HPLOT.top}, chart);
  svg("title", {}, win).textContent = "the last " + s.window + " days: the trend the advice is drawn from";
  axisText(chart, HPLOT.right - 2, HPLOT.top + 12, "end", "last " + s.window + " days" + (s.due ? " · seek a professional" : ""));
  if (s.first != null && s.since != null && s.days >= 1) {
    const from = Math.max(s.since, h.from);
    svg("line", {class: "threshold" + (s.due ? " due" : ""), x1: x(from).toFixed(1), x2: (x(h.to) + slot).toFixed(1),
      y1: y(s.first).toFixed(1), y2: y(s.first).toFixed(1)}, chart);
    axisText(chart, HPLOT.right - 2, y(s.first) + 14, "end", "first day " + s.first.toFixed(1) + "/10: pain should fall below");
  }
  const centre = t => x(t) + slot / 2;
  for (const p of h.pain) {
    svg("line", {class: "pain-range", x1: centre(p.t).toFixed(1), x2: centre(p.t).toFixed(1), y1: y(p.mean).toFixed(1),
      y2: y(p.max).toFixed(1)}, chart);
  }
  svg("polyline", {class: "pain-line", points: h.pain.map(p => centre(p.t).toFixed(1) + "," + y(p.mean).toFixed(1)).join(" ")}, chart);
  for (const p of h.pain) {
    const dot = svg("circle", {class: "pain-point" + (p.checkin != null ? " checkin" : ""), cx: centre(p.t).toFixed(1),
      cy: y(p.mean).toFixed(1), r: 3.5, "data-mean": p.mean.toFixed(1)}, chart);
    svg("title", {}, dot).textContent = dayText(p.t, true) + ": pain " + p.mean.toFixed(1) + "/10 mean, " + p.max + " highest, "
      + plural(p.reports, "report", "reports") + (p.checkin != null ? ", morning check-in " + p.checkin + "/10" : "");
  }
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

// A series snapshot from the server: points and marks, each checked like any other value.
function showSeries(id, s) {
  const d = device(id);
  d.series = (Array.isArray(s.points) ? s.points : []).filter(p => Array.isArray(p) && num(p[0]) != null && num(p[1]) != null)
    .map(p => [p[0], p[1]]);
  d.marks = (Array.isArray(s.marks) ? s.marks : []).filter(m => Array.isArray(m) && num(m[0]) != null && EVENT_TYPE.test(m[1]))
    .map(m => [m[0], m[1], oneOf(m[2], SEVERITIES, "info"), oneOf(m[3], STATES, "instant"), wallClock(m[4], m[0])]);
  drawChart(d);
}

function route(topic, payload) {
  if (typeof topic !== "string") return;
  if (topic.startsWith("$series/")) {
    const id = topic.substring(8);
    if (DEVICE_ID.test(id) && payload && typeof payload === "object") showSeries(id, payload);
    return;
  }
  if (!topic.startsWith(base + "/")) return;
  const rest = topic.substring(base.length + 1).split("/");
  if (rest[0] === "bridge") {
    if (rest[1] === "state") showBridge(payload && payload.state === "online");
    if (rest[1] === "info" && payload && typeof payload === "object") { info = payload; applyInfo(); }
    return;
  }
  const id = rest[0];
  if (!DEVICE_ID.test(id) || !payload || typeof payload !== "object") return;
  if (rest.length === 1) showState(id, payload);
  else if (rest[1] === "event") showEvent(id, payload);
  else if (rest[1] === "availability") showAvailability(id, payload.state === "online");
  else if (rest[1] === "session") showSummary(id, payload);
  else if (rest[1] === "history") showHistory(id, payload);
  else if (rest[1] === "segments") showSegments(id, payload);
  else if (rest[1] === "checkin") showCheckin(id, payload);
  else if (rest[1] === "set" && rest[2] === "response") {
    document.getElementById("command-status").textContent = payload.ok === true ? "✓ " + text(payload.message) : "✗ " + text(payload.error);
  }
}

// Where on the muscle (<base>/<device>/segments live, a session summary's segments): a strip of the
// back of the thigh, gluteal fold (left) to knee (right), each tenth coloured by its dose, with
// the holds (dots) and tender spots (ease-off or pain: triangles). Checked again here: ten
// segments of finite, non-negative numbers, or nothing.
const STRIP = {left: 40, width: 520, top: 24, height: 36};

function checkSegments(list) {
  if (!Array.isArray(list) || list.length !== 10) return null;
  const out = [];
  for (const s of list) {
    if (!s || typeof s !== "object") return null;
    const time = num(s.time_s), dose = num(s.dose_kpa_s);
    if (time == null || dose == null || time < 0 || dose < 0) return null;
    const holds = (Array.isArray(s.holds) ? s.holds.slice(0, 8) : []).map(num).filter(h => h != null && h >= 0);
    const count = v => Math.max(0, Math.min(100000, Math.floor(num(v) ?? 0)));
    out.push({time, dose, holds, easeOff: count(s.ease_off), pain: count(s.pain), friction: Math.max(0, num(s.friction_s) ?? 0)});
  }
  return out;
}

function stripText(strip, x, y, anchor, s, cls = "axis") {
  const t = svg("text", {class: cls, x, y, "text-anchor": anchor}, strip);
  t.textContent = s;
}

function drawStrip(strip, segments, positionPct) {
  strip.replaceChildren();
  const x = pct => STRIP.left + STRIP.width * pct / 100;
  const total = segments ? segments.reduce((a, s) => a + s.dose, 0) : 0;
  const most = segments ? Math.max(...segments.map(s => s.dose)) : 0;
  strip.classList.toggle("filled", total > 0);
  for (let i = 0; i < 10; i++) {
    const s = segments ? segments[i] : null;
    const depth = s && most > 0 ? s.dose / most : 0;
    const share = s && total > 0 ? s.dose / total : 0;
    const rect = svg("rect", {class: "segment", x: (x(i * 10) + 1).toFixed(1), y: STRIP.top, width: (STRIP.width / 10 - 2).toFixed(1),
      height: STRIP.height, rx: 3, fill: s ? `hsl(${(48 - 48 * depth).toFixed(0)}, 85%, ${(94 - 52 * depth).toFixed(0)}%)` : "#eceff1",
      "data-segment": i, "data-share": share.toFixed(3)}, strip);
    svg("title", {}, rect).textContent = (i * 10) + "–" + (i * 10 + 10) + " % from the gluteal fold" + (s ? ": "
      + s.time.toFixed(0) + " s under load, " + s.dose.toFixed(0) + " kPa·s (" + (share * 100).toFixed(0) + " % of the dose)"
      + (s.friction > 0 ? ", friction " + s.friction.toFixed(0) + " s" : "") : "");
    if (!s) continue;
    s.holds.forEach((h, k) => {
      const dot = svg("circle", {class: "hold-dot", cx: (x(i * 10 + 2 + k * 1.5)).toFixed(1), cy: STRIP.top - 8, r: 4}, strip);
      svg("title", {}, dot).textContent = "hold " + h.toFixed(0) + " s";
    });
    if (s.easeOff + s.pain > 0) {
      const cx = x(i * 10 + 5), cy = STRIP.top + STRIP.height + 4;
      const tri = svg("path", {class: "tender", d: `M${cx.toFixed(1)} ${cy} l6 10 h-12 z`}, strip);
      svg("title", {}, tri).textContent = "tender: " + (s.easeOff > 0 ? s.easeOff + " ease-off" : "")
        + (s.easeOff > 0 && s.pain > 0 ? ", " : "") + (s.pain > 0 ? s.pain + " pain report(s)" : "");
    }
  }
  stripText(strip, STRIP.left, 92, "start", "gluteal fold");
  stripText(strip, STRIP.left + STRIP.width, 92, "end", "knee");
  if (!segments) stripText(strip, STRIP.left + STRIP.width / 2, 92, "middle", "position not known yet: long strokes from the fold first", "axis muted");
  const p = num(positionPct);
  if (p != null && p >= 0 && p <= 100) {
    svg("line", {class: "position", x1: x(p).toFixed(1), x2: x(p).toFixed(1), y1: STRIP.top - 4, y2: STRIP.top + STRIP.height + 4}, strip);
  }
}

function showSegments(id, p) {
  const d = device(id);
  d.segments = checkSegments(p.segments);
  drawStrip($(d.el, ".live-strip"), d.segments, d.positionPct);
}

function showPosition(d, pct) {
  const p = num(pct);
  if (p === (d.positionPct ?? null)) return;
  d.positionPct = p;
  drawStrip($(d.el, ".live-strip"), d.segments ?? null, p);
}

/** With a login (LAN mode) a page whose session ended goes back to the login page. */
async function loggedOut() {
  try {
    return (await fetch("/api/config")).status === 401;
  } catch (e) {
    return false;
  }
}

async function start() {
  const response = await fetch("/api/config");
  if (response.status === 401) {
    location.replace("/login");
    return;
  }
  const config = await response.json();
  if (config.login === true) {
    const logout = document.getElementById("logout");
    logout.hidden = false;
    logout.addEventListener("click", async () => {
      await fetch("/api/logout", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"});
      location.replace("/login");
    });
  }
  base = config.base;
  csrf = config.csrf;
  document.body.classList.toggle("read-only", config.read_only || (config.token_required && !token));
  const source = new EventSource("/events");
  source.onmessage = m => {
    try {
      const {topic, payload} = JSON.parse(m.data);
      route(topic, payload);
    } catch (e) { /* one bad message must not stop the page */ }
  };
  source.onerror = async () => {
    document.getElementById("bridge-state").textContent = "dashboard reconnecting…";
    if (source.readyState === EventSource.CLOSED && await loggedOut()) location.replace("/login");
  };
}

start();
