"use strict";
// The login form: the password goes to /api/login as JSON; the session comes back as an HttpOnly cookie.
const form = document.getElementById("login");
const status = document.getElementById("login-status");
form.addEventListener("submit", async e => {
  e.preventDefault();
  status.textContent = "checking…";
  try {
    const r = await fetch("/api/login", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({password: document.getElementById("password").value})
    });
    const body = await r.json();
    if (r.ok && body.ok === true) {
      location.replace("/");
      return;
    }
    status.textContent = typeof body.error === "string" ? body.error : "not logged in (" + r.status + ")";
  } catch (err) {
    status.textContent = "the dashboard did not answer: " + err;
  }
});
