/* The secretary's item form: autosave, a local copy that survives an expired session,
   and drag-and-drop upload. Without JavaScript the plain form does all of it. */
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) return;

  var AUTOSAVE_MS = 3000;
  var status = document.getElementById("autosave-status");
  var alertBox = document.getElementById("session-alert");
  var key = form.dataset.storageKey;
  var versionInput = form.querySelector("input[name=version]");
  var textFields = ["value", "narrative", "self_score", "answer"];
  var dirty = false;
  // Time spent on the item (为基层减负): only how long since the first keystroke after the
  // last save is sent with a save; keystrokes themselves are never recorded.
  var typingSince = null;
  function typedMs() {
    var ms = typingSince === null ? 0 : Date.now() - typingSince;
    typingSince = null;
    return String(ms);
  }
  var saving = false;
  var stopped = false;

  function field(name) { return form.elements.namedItem(name); }
  function say(text) { if (status) status.textContent = text; }
  function showAlert(html) { alertBox.innerHTML = html; alertBox.classList.remove("d-none"); }
  function showText(text) { alertBox.textContent = text; alertBox.classList.remove("d-none"); }
  function hideAlert() { alertBox.classList.add("d-none"); alertBox.textContent = ""; }

  function snapshot() {
    var data = { version: versionInput.value, savedAt: new Date().toISOString(), fields: {} };
    textFields.forEach(function (name) {
      var el = field(name);
      if (el) data.fields[name] = el.value;
    });
    return data;
  }
  function keepLocal() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* full or private */ }
  }
  function dropLocal() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  // Restore what was typed before a session expired or the tab closed.
  (function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) return;
    var stored;
    try { stored = JSON.parse(raw); } catch (e) { dropLocal(); return; }
    if (!stored || stored.version !== versionInput.value) { dropLocal(); return; }
    var changed = false;
    textFields.forEach(function (name) {
      var el = field(name);
      if (el && stored.fields && typeof stored.fields[name] === "string" && el.value !== stored.fields[name]) {
        el.value = stored.fields[name];
        changed = true;
      }
    });
    if (changed) {
      dirty = true;
      say(form.dataset.restoredText || "已恢复您上次未保存的内容，正在保存…");
    } else {
      dropLocal();
    }
  })();

  function loginNeeded(message) {
    keepLocal();
    var url = form.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
    showAlert((message || "登录已过期。您填写的内容已保存在本机。") +
      ' <a href="' + url + '" target="_blank" rel="noopener">在新标签页重新登录</a>，登录后回到此页会自动保存。');
    say("未保存（需要重新登录）");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    });
  }

  function isLoginResponse(res) {
    return res.status === 401 || res.status === 403 || res.type === "opaqueredirect" ||
      (res.status >= 300 && res.status < 400) || res.redirected;
  }

  function autosave() {
    if (!dirty || saving || stopped) return;
    saving = true;
    dirty = false;
    keepLocal();
    var body = new FormData(form);
    body.delete("files");
    body.append("typed_ms", typedMs());
    say("正在保存…");
    post(form.dataset.autosaveUrl, body).then(function (res) {
      if (isLoginResponse(res)) {
        dirty = true;
        return res.json().catch(function () { return {}; }).then(function (d) { loginNeeded(d.message); });
      }
      return res.json().then(function (data) {
        if (res.ok) {
          versionInput.value = data.version;
          if (!dirty) dropLocal(); else keepLocal();
          hideAlert();
          say("已自动保存 " + data.saved_at);
        } else if (res.status === 409) {
          stopped = true;
          showAlert(data.message + ' <a href="">刷新查看最新内容</a>（您填写的内容已保存在本机，刷新后会恢复）。');
          say("未保存（有冲突）");
        } else if (res.status === 423) {
          stopped = true;
          dropLocal();
          showAlert(data.message);
          say("");
        } else {
          keepLocal();  // kept on this device until a valid value is typed
          if (data.message) showText(data.message);
          say("未保存：请检查标红的字段");
        }
      });
    }).catch(function () {
      dirty = true;
      keepLocal();
      say("网络中断，内容已保存在本机，恢复后自动保存");
    }).then(function () { saving = false; });
  }

  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "file") return;
    if (typingSince === null) typingSince = Date.now();
    dirty = true;
    keepLocal();
    say("有未保存的修改");
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "evidence") { dirty = true; }
  });
  form.addEventListener("submit", function () {
    // The page is leaving through the form itself: keep a copy, stop autosave, no prompt.
    var typed = document.createElement("input");
    typed.type = "hidden";
    typed.name = "typed_ms";
    typed.value = typedMs();
    form.appendChild(typed);
    keepLocal();
    dirty = false;
    stopped = true;
  });
  window.setInterval(autosave, AUTOSAVE_MS);
  if (dirty) window.setTimeout(autosave, 300);
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !stopped) { keepLocal(); event.preventDefault(); event.returnValue = ""; }
  });

  // Drag and drop (and picking files) uploads at once and ticks the new files.
  var zone = document.getElementById("dropzone");
  var fileInput = field("files");
  var list = document.getElementById("upload-status");
  var choices = document.getElementById("evidence-choices");

  function note(text, bad) {
    var li = document.createElement("li");
    li.textContent = text;
    if (bad) li.className = "text-danger";
    list.appendChild(li);
    return li;
  }

  function addChoice(file) {
    var none = document.getElementById("no-files");
    if (none) none.remove();
    var existing = form.querySelector('input[name=evidence][value="' + file.id + '"]');
    if (existing) { existing.checked = true; return; }
    var wrap = document.createElement("div");
    wrap.className = "form-check";
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "evidence"; box.value = file.id; box.checked = true;
    box.className = "form-check-input"; box.id = "id_evidence_new_" + file.id;
    var label = document.createElement("label");
    label.className = "form-check-label"; label.htmlFor = box.id; label.textContent = file.name;
    var link = document.createElement("a");
    link.href = file.url + "?preview=1"; link.target = "_blank"; link.rel = "noopener";
    link.className = "small ms-1"; link.textContent = "查看";
    wrap.appendChild(box); wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(label); wrap.appendChild(link);
    choices.appendChild(wrap);
  }

  function upload(files) {
    if (!files || !files.length) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    body.append("version", versionInput.value);
    Array.prototype.forEach.call(files, function (f) { body.append("files", f); });
    // The progress line goes once the server has answered, whatever the answer.
    var pending = note("正在上传 " + files.length + " 个文件…");
    post(form.dataset.uploadUrl, body).then(function (res) {
      pending.remove();
      if (isLoginResponse(res)) { loginNeeded(); return; }
      return res.json().then(function (data) {
        if (data.version) versionInput.value = data.version;
        (data.files || []).forEach(function (f) { addChoice(f); note("已上传并勾选：" + f.name); });
        (data.problems || []).forEach(function (p) { note(p, true); });
        if (res.status === 409 || res.status === 423) note(data.message, true);
        if (fileInput) fileInput.value = "";
      });
    }).catch(function () { pending.remove(); note("网络中断，上传失败，请重试。", true); });
  }

  if (zone) {
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) { upload(e.dataTransfer.files); });
  }
  if (fileInput) {
    fileInput.addEventListener("change", function () { upload(fileInput.files); });
  }
})();
