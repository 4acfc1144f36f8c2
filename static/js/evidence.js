/* Evidence blocks (templates/evidence/_leaf_evidence.html): drag-and-drop upload with a
 * progress bar, link/unlink/remove without reloading the page. Plain JS, no htmx needed:
 * every request carries `HX-Request: true`, and the server answers with the leaf's block,
 * which replaces the old one. Listeners are delegated on document, so replaced blocks work
 * without re-binding. */
(function () {
  "use strict";

  // Messages: gettext() and interpolate() of the djangojs catalogue (/i18n/js/), which the
  // page loads before this file.
  var gettext = window.gettext, interpolate = window.interpolate;

  function block(el) { return el.closest(".evidence[data-upload-url]"); }

  function csrfToken(container) {
    var input = container.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showError(container, message) {
    var p = container.querySelector(".evidence-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "evidence-error errorlist";
      p.setAttribute("role", "alert");
      container.insertBefore(p, container.children[1] || null);
    }
    p.textContent = message;
  }

  function send(container, url, body, progress) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("X-CSRFToken", csrfToken(container));
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round((event.loaded / event.total) * 100);
        }
      });
    }
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status >= 200 && xhr.status < 300 && type.indexOf("text/html") === 0) {
        container.outerHTML = xhr.responseText;
        return;
      }
      if (progress) { progress.hidden = true; }
      var message = interpolate(gettext("Không thực hiện được thao tác (mã %s)."), [xhr.status]);
      try { message = JSON.parse(xhr.responseText).error || message; } catch (e) { /* not JSON */ }
      if (xhr.status === 404) { message = gettext("Không tìm thấy hoặc bạn không có quyền thực hiện."); }
      showError(container, message);
    });
    xhr.addEventListener("error", function () {
      if (progress) { progress.hidden = true; }
      showError(container, gettext("Mất kết nối khi tải lên, vui lòng thử lại."));
    });
    xhr.send(body);
  }

  function upload(container, files) {
    if (!files || !files.length) { return; }
    var data = new FormData();
    for (var i = 0; i < files.length; i++) { data.append("file", files[i]); }
    send(container, container.dataset.uploadUrl, data,
         container.querySelector(".evidence-progress"));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var container = block(form);
    if (!container) { return; }
    if (form.classList.contains("evidence-drop")) {
      event.preventDefault();
      upload(container, form.querySelector("input[type=file]").files);
    } else if (form.classList.contains("evidence-action")) {
      event.preventDefault();
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { return; }
      send(container, form.action, new FormData(form), null);
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    var container = block(input);
    if (container && input.matches(".evidence-drop input[type=file]")) {
      upload(container, input.files);
    }
  });

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var zone = event.target.closest && event.target.closest(".evidence-drop");
      if (zone && block(zone)) {
        event.preventDefault();
        zone.classList.add("dragging");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest(".evidence-drop");
    if (zone) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest(".evidence-drop");
    var container = zone && block(zone);
    if (!container) { return; }
    event.preventDefault();
    zone.classList.remove("dragging");
    upload(container, event.dataTransfer.files);
  });
})();
