/* The appraiser's desk (templates/appraisal/queue.html, field.html, cross_check.html) and
 * the assignments list. Plain JS, no inline script (CSP script-src 'self').
 *
 * - A leaf's form and a note's form are sent by htmx; the server answers the leaf's section
 *   (or the thread) with the confirmation beside it. A refusal (400) or a colleague's save in
 *   between (409) comes back the same way, so it is swapped in too: what was typed is shown.
 * - Keys (documented on the page): j / k next / previous leaf, Ctrl+Enter saves the leaf
 *   being edited, n / p next / previous item of the queue.
 * - "Select all" boxes tick every box of their table that is shown.
 */
(function () {
  "use strict";

  var SWAP_ON_ERROR = [400, 409];

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (SWAP_ON_ERROR.indexOf(status) >= 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a leaf comes back, keep the keyboard where it was: on that leaf.
  var refocus = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var section = event.detail.elt && event.detail.elt.closest
      ? event.detail.elt.closest("section.leaf") : null;
    refocus = section && section.contains(document.activeElement) ? section.id : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!refocus) return;
    var section = document.getElementById(refocus);
    refocus = null;
    if (section && !section.contains(document.activeElement)) section.focus();
  });

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function leaves() {
    return Array.prototype.slice.call(document.querySelectorAll("section.leaf"));
  }

  function focusedLeaf() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("section.leaf") : null;
  }

  function moveLeaf(step) {
    var all = leaves();
    if (!all.length) return;
    var at = all.indexOf(focusedLeaf());
    var next;
    if (at < 0) {
      // No leaf has the keyboard yet: the first one on screen takes it.
      next = all.find(function (s) { return s.getBoundingClientRect().bottom > 0; }) || all[0];
    } else {
      next = all[Math.min(all.length - 1, Math.max(0, at + step))];
    }
    next.focus();
    next.scrollIntoView({ block: "start" });
  }

  function saveLeaf(target) {
    var form = target.closest ? target.closest("form") : null;
    var section = target.closest ? target.closest("section.leaf") : null;
    if (!form && section) form = section.querySelector("form.score-form");
    if (!form) return false;
    var button = form.querySelector("button.save, button.note-send, button[type=submit]");
    if (!button) return false;
    button.click(); // a click, so htmx sends the button's action
    return true;
  }

  function follow(rel) {
    var link = document.querySelector(".item-nav a[rel='" + rel + "']");
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (saveLeaf(event.target)) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.querySelector("section.leaf")) return;
    if (event.key === "j") { moveLeaf(1); event.preventDefault(); }
    else if (event.key === "k") { moveLeaf(-1); event.preventDefault(); }
    else if (event.key === "n") { follow("next"); }
    else if (event.key === "p") { follow("prev"); }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("select-all")) return;
    var table = box.closest("table");
    if (!table) return;
    table.querySelectorAll("input[type=checkbox][name='" + box.dataset.select + "']")
      .forEach(function (other) { other.checked = box.checked; });
  });
})();
