/* Evidence cards (templates/evidence/_card.html): while a file is being read the card asks
 * the server for itself every 2 s and replaces itself when the reading is done; the
 * correction form is sent without leaving the page. Plain JS (CSP: no inline script);
 * delegated on document, so cards inserted later (after an upload) work too. */
(function () {
  "use strict";

  // Messages: gettext() and interpolate() of the djangojs catalogue (/i18n/js/), which the
  // page loads before this file.
  var gettext = window.gettext, interpolate = window.interpolate;
  if (window.parEvidenceCards) { return; }
  window.parEvidenceCards = true;

  function replace(card, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector(".evidence-card");
    if (fresh) { card.replaceWith(fresh); }
  }

  function poll() {
    var cards = document.querySelectorAll(".evidence-card[data-reading='1']");
    cards.forEach(function (card) {
      fetch(card.dataset.cardUrl, {headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) { replace(card, html); } })
        .catch(function () { /* next round */ });
    });
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 2000);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("card-correct")) { return; }
    var card = form.closest(".evidence-card");
    if (!card || !window.fetch) { return; }
    event.preventDefault();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"HX-Request": "true", "X-CSRFToken": token ? token.value : ""}
    })
      .then(function (r) { return r.text().then(function (t) { return [r.status, t]; }); })
      .then(function (result) {
        if (result[1] && result[1].indexOf("evidence-card") >= 0) {
          replace(card, result[1]);
        } else {
          window.alert(interpolate(gettext("Không lưu được (mã %s)."), [result[0]]));
        }
      })
      .catch(function () { window.alert(gettext("Mất kết nối, vui lòng thử lại.")); });
  });
})();
