// Log in and out with JSON posts (the only state changes; the cookie is SameSite=Strict).
"use strict";
const form = document.getElementById("login-form");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("login-error");
    const reply = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        username: document.getElementById("username").value,
        password: document.getElementById("password").value,
      }),
    });
    if (reply.ok) {
      location.assign(form.dataset.next || "/");
      return;
    }
    const body = await reply.json().catch(() => ({}));
    error.textContent = (body.error && body.error.message) || reply.statusText;
    error.hidden = false;
  });
}
const logout = document.getElementById("logout");
if (logout) {
  logout.addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.assign("/login");
  });
}
