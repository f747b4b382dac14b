// /admin: staff accounts (create, role, disable, reset password, unlock, last login) and devices
// (register — the token is shown once —, revoke, new token, tie an evaluator to a window).
// Everything goes through /api/v1/admin/… with the CSRF header (Staff.api).
"use strict";

(() => {
  const {t, api, el, PAGE, clearErrors, showError, status, time} = Staff;
  const $ = id => document.getElementById(id);
  const userUrl = (name, tail) => "/api/v1/admin/users/" + encodeURIComponent(name) + (tail || "");
  const deviceUrl = (id, tail) => "/api/v1/admin/devices/" + encodeURIComponent(id) + (tail || "");

  function button(label, action, onclick, extraClass) {
    return el("button", {type: "button", class: "small" + (extraClass ? " " + extraClass : ""),
      "data-action": action, onclick}, label);
  }

  function formData(form) {
    const out = {};
    for (const input of form.elements) {
      if (input.name && input.name !== "csrf_token") out[input.name] = input.value.trim();
    }
    return out;
  }

  // --- accounts ----------------------------------------------------------------------------

  function userState(u) {
    if (u.disabled) return t("adm_disabled");
    if (!u.locked) return t("adm_active");
    return u.locked_until ? t("adm_locked", {time: time(u.locked_until)}) : t("adm_locked_forever");
  }

  async function userCall(method, url, body, done) {
    try {
      await api(method, url, body);
      status($("users-status"), done);
    } catch (err) {
      status($("users-status"), err.message, true);
    }
    loadUsers();
  }

  function roleSelect(u) {
    const options = Object.entries(PAGE.roles)
      .map(([code, name]) => el("option", {value: code, selected: code === u.role}, name));
    const select = el("select", {"aria-label": u.username, "data-user": u.username, class: "role"},
      options);
    const saved = t("adm_user_saved", {user: u.username});
    select.addEventListener("change", () =>
      userCall("PATCH", userUrl(u.username), {role: select.value}, saved));
    return select;
  }

  function userActions(u) {
    const saved = t("adm_user_saved", {user: u.username});
    const buttons = [button(t("adm_reset"), "reset", () => openReset(u))];
    if (u.disabled) {
      buttons.push(button(t("adm_enable"), "enable",
        () => userCall("PATCH", userUrl(u.username), {disabled: false}, saved)));
    } else if (u.username !== PAGE.me) {
      buttons.push(button(t("adm_disable"), "disable", () => {
        if (confirm(t("adm_confirm_disable", {user: u.username}))) {
          userCall("PATCH", userUrl(u.username), {disabled: true}, saved);
        }
      }));
    }
    if (u.locked) {
      buttons.push(button(t("adm_unlock"), "unlock",
        () => userCall("POST", userUrl(u.username, "/unlock"), {},
          t("adm_unlocked", {user: u.username})),
        "primary"));
    }
    return el("td", {class: "buttons-cell"}, buttons);
  }

  async function loadUsers() {
    let data;
    try {
      data = await api("GET", "/api/v1/admin/users");
    } catch (err) {
      status($("users-status"), err.message, true);
      return;
    }
    const body = $("users").tBodies[0];
    body.textContent = "";
    for (const u of data.users) {
      const login = u.last_login_at
        ? `${time(u.last_login_at)} · ${u.last_login_address || ""}` : t("adm_never");
      const me = u.username === PAGE.me ? el("small", {}, " " + t("adm_you")) : null;
      body.append(el("tr", {"data-user": u.username, class: u.disabled || u.locked ? "alert" : ""},
        el("td", {}, u.username, me),
        el("td", {}, u.display_name),
        el("td", {}, roleSelect(u)),
        el("td", {class: "state-cell"}, userState(u)),
        el("td", {}, login),
        el("td", {class: "num"}, String(u.sessions)),
        userActions(u)));
    }
  }

  function openReset(u) {
    const form = $("reset-form");
    clearErrors(form);
    form.elements.username.value = u.username;
    form.elements.password.value = "";
    $("reset-title").textContent = t("adm_new_password", {user: u.username});
    form.hidden = false;
    form.elements.password.focus();
  }

  $("reset-cancel").addEventListener("click", () => { $("reset-form").hidden = true; });
  $("reset-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const user = form.elements.username.value;
    try {
      await api("POST", userUrl(user, "/password"), {password: form.elements.password.value});
      form.hidden = true;
      status($("users-status"), t("adm_password_reset", {user}));
      loadUsers();
    } catch (err) { showError(form, err); }
  });

  $("user-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const data = formData(form);
    data.password = form.elements.password.value;
    try {
      await api("POST", "/api/v1/admin/users", data);
      form.reset();
      status($("user-status"), t("adm_user_created", {user: data.username}));
      loadUsers();
    } catch (err) { showError(form, err, $("user-status")); }
  });

  // --- devices -----------------------------------------------------------------------------

  function showToken(device, token) {
    $("token-title").textContent = t("adm_token_once", {device: device.id});
    $("token-value").textContent = token;
    const urlRow = $("token-url-row");
    urlRow.hidden = !(device.kind === "evaluator" && device.window);
    if (!urlRow.hidden) {
      $("token-url-label").textContent = t("adm_evaluator_url");
      $("token-url").textContent =
        `${location.origin}/evaluate/${device.window}?token=${encodeURIComponent(token)}`;
    }
    $("token-panel").hidden = false;
    $("token-panel").scrollIntoView({block: "nearest"});
  }

  $("token-done").addEventListener("click", () => {
    $("token-panel").hidden = true;
    $("token-value").textContent = "";
    $("token-url").textContent = "";
  });

  async function deviceCall(method, url, body, done) {
    try {
      const out = await api(method, url, body);
      if (out && out.token) showToken(out, out.token);
      else status($("devices-status"), done || "");
    } catch (err) {
      status($("devices-status"), err.message, true);
    }
    loadDevices();
  }

  function windowCell(d) {
    if (d.kind !== "evaluator") return el("td", {}, t("adm_no_window"));
    const options = PAGE.windows
      .map(n => el("option", {value: String(n), selected: n === d.window}, String(n)));
    const select = el("select", {"aria-label": d.id, class: "window", "data-device": d.id},
      el("option", {value: ""}, t("adm_no_window")), options);
    select.addEventListener("change", () =>
      deviceCall("PATCH", deviceUrl(d.id), {window: select.value ? Number(select.value) : null},
        t("adm_device_saved", {device: d.id})));
    return el("td", {}, select);
  }

  function deviceActions(d) {
    const revoke = button(t("adm_revoke"), "revoke", () => {
      if (confirm(t("adm_confirm_revoke", {device: d.id}))) {
        deviceCall("POST", deviceUrl(d.id, "/revoke"), {});
      }
    });
    const renew = button(t("adm_new_token"), "token",
      () => deviceCall("POST", deviceUrl(d.id, "/token"), {}));
    return el("td", {class: "buttons-cell"}, d.revoked_at ? [renew] : [revoke, renew]);
  }

  function deviceState(d, h) {
    if (d.revoked_at) return "—";
    if (h && h.online) return t("online");
    return d.last_seen ? t("offline") : t("never_seen");
  }

  async function loadDevices() {
    let data;
    const health = {};
    try {
      data = await api("GET", "/api/v1/admin/devices");
      for (const h of (await api("GET", "/api/v1/devices")).devices) health[h.id] = h;
    } catch (err) {
      status($("devices-status"), err.message, true);
      return;
    }
    const body = $("devices").tBodies[0];
    body.textContent = "";
    if (!data.devices.length) {
      body.append(el("tr", {}, el("td", {colspan: 7, class: "muted"}, t("no_items"))));
    }
    for (const d of data.devices) {
      const token = d.revoked_at ? `${t("adm_revoked")} ${time(d.revoked_at)}` : t("adm_active");
      body.append(el("tr", {"data-device": d.id, class: d.revoked_at ? "revoked" : ""},
        el("td", {}, d.name, " ", el("small", {}, d.id)),
        el("td", {}, t("kind_" + d.kind)),
        windowCell(d),
        el("td", {class: "token-cell"}, token),
        el("td", {}, deviceState(d, health[d.id])),
        el("td", {}, time(d.last_seen)),
        deviceActions(d)));
    }
  }

  const deviceForm = $("device-form");
  const syncWindowField = () => {
    const isEvaluator = deviceForm.elements.kind.value === "evaluator";
    deviceForm.elements.window.disabled = !isEvaluator;
    if (!isEvaluator) deviceForm.elements.window.value = "";
  };
  deviceForm.elements.kind.addEventListener("change", syncWindowField);
  syncWindowField();

  deviceForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    clearErrors(deviceForm);
    const data = formData(deviceForm);
    data.window = data.window ? Number(data.window) : null;
    try {
      const out = await api("POST", "/api/v1/admin/devices", data);
      deviceForm.reset();
      syncWindowField();
      status($("device-status"), "");
      showToken(out, out.token);
      loadDevices();
    } catch (err) { showError(deviceForm, err, $("device-status")); }
  });

  loadUsers();
  loadDevices();
})();
